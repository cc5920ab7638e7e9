package ops

import "github.com/fbpgo/fbp/gemm"

// init makes package gemm's vectorised matrix products the BLAS of gonum
// (blas64, blas32) and of gorgonia's tensor, so that every program that
// uses ops (and so mpnet, pasp and compare) gets them in the default build.
// gemm.Unregister restores gonum's pure-Go BLAS, the reference of the
// bit-exact golden trajectories.
func init() { gemm.Register() }
