package main

import (
	"github.com/fbpgo/fbp/compare"
)

// ebpBatch is the number of examples EBP accumulates before an update in a
// comparison: 10, the "b10" of the reference's result files (BASELINES §2.4).
const ebpBatch = 10

// newEBPFitter builds an EBP trainer (binary weights) for a comparison job.
func newEBPFitter(seed uint64, widths []int, o *compareOptions) (compare.Fitter, error) {
	return compare.NewEBP(&compare.EBPSettings{Widths: widths, Weights: compare.EBPBinary, BatchSize: ebpBatch,
		Epochs: o.epochs, Seed: seed, TrainEval: o.trainEval})
}
