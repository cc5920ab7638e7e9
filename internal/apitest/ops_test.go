package apitest

import (
	"hash/fnv"
	"math"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// specials are the scalar special functions, called with hostile values.
var specials = map[string]func(float64) float64{
	"ops.Erfcx": ops.Erfcx, "ops.G": ops.G, "ops.H": ops.H, "ops.GH": ops.GH, "ops.LogH": ops.LogH,
	"ops.AtanhErf": ops.AtanhErf, "ops.Atanh2Hm1": ops.Atanh2Hm1, "ops.LogCosh": ops.LogCosh,
	"ops.Log2Cosh": ops.Log2Cosh, "ops.LogSinhAbs": ops.LogSinhAbs, "ops.ClippedAtanh": ops.ClippedAtanh,
	"ops.Erfcx32":        func(x float64) float64 { return float64(ops.Erfcx32(float32(x))) },
	"ops.G32":            func(x float64) float64 { return float64(ops.G32(float32(x))) },
	"ops.H32":            func(x float64) float64 { return float64(ops.H32(float32(x))) },
	"ops.GH32":           func(x float64) float64 { return float64(ops.GH32(float32(x))) },
	"ops.LogH32":         func(x float64) float64 { return float64(ops.LogH32(float32(x))) },
	"ops.AtanhErf32":     func(x float64) float64 { return float64(ops.AtanhErf32(float32(x))) },
	"ops.Atanh2Hm132":    func(x float64) float64 { return float64(ops.Atanh2Hm132(float32(x))) },
	"ops.LogCosh32":      func(x float64) float64 { return float64(ops.LogCosh32(float32(x))) },
	"ops.Log2Cosh32":     func(x float64) float64 { return float64(ops.Log2Cosh32(float32(x))) },
	"ops.ClippedAtanhPM": func(x float64) float64 { return ops.ClippedAtanhPM(x, -x) },
	"ops.SignG":          func(x float64) float64 { return ops.SignG(x, x, x) },
	"ops.SignGamma":      func(x float64) float64 { return ops.SignGamma(x, x, -x) },
	"ops.SignG32":        func(x float64) float64 { return float64(ops.SignG32(float32(x), 0, float32(x))) },
	"ops.SignGamma32":    func(x float64) float64 { return float64(ops.SignGamma32(float32(x), 1, -1)) },
	"ops.ReLUPhi":        func(x float64) float64 { return ops.ReLUPhi(x, x, x, -x) },
	"ops.IdentityPhi":    func(x float64) float64 { return ops.IdentityPhi(x, -x, x, x) },
	"ops.ReLUMoments":    func(x float64) float64 { a, _, _, _ := ops.ReLUMoments(x, x, x, -x); return a },
	"ops.IdentityMoments": func(x float64) float64 {
		a, _, _, _ := ops.IdentityMoments(x, -x, x, x)
		return a
	},
}

// nodeCtors are the node constructors, called with nil nodes and patterns.
var nodeCtors = map[string]func() (*gorgonia.Node, error){
	"ops.AMPOmega":         func() (*gorgonia.Node, error) { return ops.AMPOmega(nil, nil, nil, nil, nil) },
	"ops.AMPField":         func() (*gorgonia.Node, error) { return ops.AMPField(nil, nil, nil, nil, nil, nil) },
	"ops.ArgMaxChannel":    func() (*gorgonia.Node, error) { return ops.ArgMaxChannel(nil, nil, nil) },
	"ops.BPCavityMeans":    func() (*gorgonia.Node, error) { return ops.BPCavityMeans(nil, nil) },
	"ops.BPOmega":          func() (*gorgonia.Node, error) { return ops.BPOmega(nil, nil) },
	"ops.BPCavityG":        func() (*gorgonia.Node, error) { return ops.BPCavityG(nil, nil, nil, nil, nil) },
	"ops.BPDownField":      func() (*gorgonia.Node, error) { return ops.BPDownField(nil, nil) },
	"ops.BPCavityDown":     func() (*gorgonia.Node, error) { return ops.BPCavityDown(nil, nil, nil) },
	"ops.BPHin":            func() (*gorgonia.Node, error) { return ops.BPHin(nil, nil) },
	"ops.BPCavityMag":      func() (*gorgonia.Node, error) { return ops.BPCavityMag(nil, nil, nil, nil, nil, nil) },
	"ops.BPCavityBackward": func() (*gorgonia.Node, error) { return ops.BPCavityBackward(nil, nil, nil, nil, nil, true) },
	"ops.BPCavityMagDown":  func() (*gorgonia.Node, error) { return ops.BPCavityMagDown(nil, nil, nil, nil, nil, nil, nil) },
	"ops.BPICavity":        func() (*gorgonia.Node, error) { return ops.BPICavity(nil, nil, nil, nil, nil, true) },
	"ops.BPICavitySparse":  func() (*gorgonia.Node, error) { return ops.BPICavitySparse(nil, nil, nil, nil, nil, nil, false) },
	"ops.ReLUMean":         func() (*gorgonia.Node, error) { return ops.ReLUMean(nil, nil, nil, nil) },
	"ops.ReLUVariance":     func() (*gorgonia.Node, error) { return ops.ReLUVariance(nil, nil, nil, nil) },
	"ops.ReLUChannel":      func() (*gorgonia.Node, error) { return ops.ReLUChannel(nil, nil, nil, nil) },
	"ops.ReLUGamma":        func() (*gorgonia.Node, error) { return ops.ReLUGamma(nil, nil, nil, nil) },
	"ops.IdentityMean":     func() (*gorgonia.Node, error) { return ops.IdentityMean(nil, nil, nil, nil) },
	"ops.IdentityVariance": func() (*gorgonia.Node, error) { return ops.IdentityVariance(nil, nil, nil, nil) },
	"ops.IdentityChannel":  func() (*gorgonia.Node, error) { return ops.IdentityChannel(nil, nil, nil, nil) },
	"ops.IdentityGamma":    func() (*gorgonia.Node, error) { return ops.IdentityGamma(nil, nil, nil, nil) },
	"ops.TanhSum":          func() (*gorgonia.Node, error) { return ops.TanhSum(nil, nil) },
	"ops.OneMinusSquare":   func() (*gorgonia.Node, error) { return ops.OneMinusSquare(nil) },
	"ops.Square":           func() (*gorgonia.Node, error) { return ops.Square(nil) },
	"ops.SquarePlus":       func() (*gorgonia.Node, error) { return ops.SquarePlus(nil, nil) },
	"ops.Mul":              func() (*gorgonia.Node, error) { return ops.Mul(nil, nil) },
	"ops.Variance":         func() (*gorgonia.Node, error) { return ops.Variance(nil, nil) },
	"ops.UpField":          func() (*gorgonia.Node, error) { return ops.UpField(nil, nil) },
	"ops.SignChannel":      func() (*gorgonia.Node, error) { return ops.SignChannel(nil, nil, nil) },
	"ops.Gamma":            func() (*gorgonia.Node, error) { return ops.Gamma(nil, nil, nil) },
	"ops.Field":            func() (*gorgonia.Node, error) { return ops.Field(nil, nil, nil, nil) },
	"ops.DampedTanh":       func() (*gorgonia.Node, error) { return ops.DampedTanh(nil, nil, nil, nil) },
	"ops.Damp":             func() (*gorgonia.Node, error) { return ops.Damp(nil, nil, nil) },
	"ops.MaskedTanh":       func() (*gorgonia.Node, error) { return ops.MaskedTanh(nil, nil) },
	"ops.BinaryVariance":   func() (*gorgonia.Node, error) { return ops.BinaryVariance(nil, nil) },
	"ops.FocusField":       func() (*gorgonia.Node, error) { return ops.FocusField(nil, nil, nil, nil, true) },
	"ops.FiniteGamma":      func() (*gorgonia.Node, error) { return ops.FiniteGamma(nil, nil, nil) },
	"ops.Precision":        func() (*gorgonia.Node, error) { return ops.Precision(nil, nil, nil, nil, nil) },
	"ops.DampedGaussianMean": func() (*gorgonia.Node, error) {
		return ops.DampedGaussianMean(nil, nil, nil, nil, nil)
	},
	"ops.GaussianVariance": func() (*gorgonia.Node, error) { return ops.GaussianVariance(nil, nil) },
	"ops.MatMul":           func() (*gorgonia.Node, error) { return ops.MatMul(nil, nil, true, false) },
	"ops.Section":          func() (*gorgonia.Node, error) { return ops.Section(nil, -1, -2) },
	"ops.SpMatMul":         func() (*gorgonia.Node, error) { return ops.SpMatMul(nil, nil, nil) },
	"ops.SpMatMulT":        func() (*gorgonia.Node, error) { return ops.SpMatMulT(nil, nil, nil) },
	"ops.SpSampled":        func() (*gorgonia.Node, error) { return ops.SpSampled(nil, nil, nil) },
}

// mat returns a zero r×c (or r-vector for c = 0, or r×c×d) float64 node of g.
func mat(g *gorgonia.ExprGraph, shape ...int) *gorgonia.Node {
	return gorgonia.NewTensor(g, tensor.Float64, len(shape), gorgonia.WithShape(shape...), gorgonia.WithInit(gorgonia.Zeroes()))
}

// opInstances builds one node of every op type of package ops (K = 2,
// N = 3, B = 4) and returns the ops by type name.
func opInstances() (map[string]gorgonia.Op, error) {
	g := gorgonia.NewGraph()
	p := ops.NewPattern(2, 3, []float64{1, 1, 1, 1, 1, 1})
	build := map[string]func() (*gorgonia.Node, error){
		"bpOp":     func() (*gorgonia.Node, error) { return ops.BPOmega(mat(g, 2, 3, 4), mat(g, 2, 3, 4)) },
		"argMaxOp": func() (*gorgonia.Node, error) { return ops.ArgMaxChannel(mat(g, 3, 4), mat(g, 3, 4), mat(g, 1, 4)) },
		"bpiOp": func() (*gorgonia.Node, error) {
			return ops.BPICavity(mat(g, 2, 3), mat(g, 3, 4), mat(g, 2, 4), mat(g, 2, 4), mat(g, 2, 4), false)
		},
		"mapOp":     func() (*gorgonia.Node, error) { return ops.Square(mat(g, 2, 2)) },
		"matMulOp":  func() (*gorgonia.Node, error) { return ops.MatMul(mat(g, 2, 3), mat(g, 3, 4), false, false) },
		"sectionOp": func() (*gorgonia.Node, error) { return ops.Section(mat(g, 6), 0, 2, 3) },
		"spOp":      func() (*gorgonia.Node, error) { return ops.SpMatMul(p, mat(g, 6), mat(g, 3, 4)) },
	}
	out := map[string]gorgonia.Op{}
	for name, f := range build {
		n, err := f()
		if err != nil {
			return nil, err
		}
		out[name] = n.Op()
	}
	return out, nil
}

// opMethods are the gorgonia.Op methods every op type of package ops has.
var opMethods = []string{"Arity", "Type", "InferShape", "Do", "UsePreallocDo", "WriteHash", "Hashcode", "String"}

// opContract calls the methods of op with no, nil and mistyped arguments.
func opContract(c *checker, prefix string, op gorgonia.Op) {
	n := func(m string) string { return prefix + m }
	c.ok(n("Arity"), "", func() string { return ifNot(op.Arity() > 0, "arity ≤ 0") })
	c.ok(n("Type"), "", func() string { return ifNot(op.Type() != nil, "nil type") })
	c.err(n("InferShape"), "no shapes", func() error { _, err := op.InferShape(); return err })
	c.err(n("InferShape"), "nil shapes", func() error { _, err := op.InferShape(nil, nil, nil, nil, nil, nil); return err })
	c.err(n("Do"), "no values", func() error { _, err := op.Do(); return err })
	c.err(n("Do"), "nil values", func() error { _, err := op.Do(nil, nil, nil, nil, nil, nil); return err })
	scalar := gorgonia.NewF64(1)
	c.err(n("Do"), "scalars", func() error { _, err := op.Do(scalar, scalar, scalar, scalar, scalar, scalar); return err })
	if p, ok := op.(gorgonia.UsePreallocDoer); ok {
		c.err(n("UsePreallocDo"), "nil", func() error { _, err := p.UsePreallocDo(nil, nil, nil); return err })
	}
	c.ok(n("WriteHash"), "", func() string { op.WriteHash(fnv.New32a()); return "" })
	c.ok(n("Hashcode"), "", func() string { _ = op.Hashcode(); return "" })
	c.ok(n("String"), "", func() string { return ifNot(op.String() != "", "empty") })
}

func opsCaseList() []apiCase {
	var all []apiCase
	var sn, cn, on []string
	for k := range specials {
		sn = append(sn, k)
	}
	for k := range nodeCtors {
		cn = append(cn, k)
	}
	for _, t := range []string{"bpOp", "argMaxOp", "bpiOp", "mapOp", "matMulOp", "sectionOp", "spOp"} {
		for _, m := range opMethods {
			on = append(on, "ops.(*"+t+")."+m)
		}
	}
	all = append(all, apiCase{names: sn, run: func(c *checker) {
		for name, f := range specials {
			for _, x := range []float64{nan, inf, -inf, 0, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64} {
				c.ok(name, "NaN, ±Inf, 0, extremes", func() string { _ = f(x); return "" })
			}
		}
	}}, apiCase{names: cn, run: func(c *checker) {
		for name, f := range nodeCtors {
			c.err(name, "nil nodes", func() error { _, err := f(); return err })
		}
	}}, apiCase{names: on, run: func(c *checker) {
		inst, err := opInstances()
		if err != nil {
			c.t.Fatal(err)
		}
		for typ, op := range inst {
			opContract(c, "ops.(*"+typ+").", op)
		}
	}})
	return all
}

var opsCases = append(opsCaseList(),
	apiCase{names: []string{"ops.(*output).ReturnsPtr", "ops.(*output).CallsExtern", "ops.(*output).OverwritesInput"}, run: func(c *checker) {
		inst, err := opInstances()
		if err != nil {
			c.t.Fatal(err)
		}
		op := inst["mapOp"].(interface {
			ReturnsPtr() bool
			CallsExtern() bool
			OverwritesInput() int
		})
		c.ok("ops.(*output).ReturnsPtr", "", func() string { _ = op.ReturnsPtr(); return "" })
		c.ok("ops.(*output).CallsExtern", "", func() string { _ = op.CallsExtern(); return "" })
		c.ok("ops.(*output).OverwritesInput", "", func() string { return ifNot(op.OverwritesInput() < 0, "overwrites") })
	}},
	apiCase{names: []string{"ops.NewPattern", "ops.(*Pattern).NNZ", "ops.(*Pattern).Expand", "ops.(*Pattern).Compress"}, run: func(c *checker) {
		const why = "documented: a wrong length is a programmer error of the inner loops, as for a slice index"
		for _, kn := range [][2]int{{-1, -1}, {2, 3}} {
			c.panics("ops.NewPattern", "bad sizes or short mask", why, func() { _ = ops.NewPattern(kn[0], kn[1], []float64{1}) })
		}
		p := ops.NewPattern(2, 3, []float64{1, 0, 1, nan, 1, 1})
		c.ok("ops.(*Pattern).NNZ", "nil", func() string { return ifNot((*ops.Pattern)(nil).NNZ() == 0, "≠ 0") })
		c.panics("ops.(*Pattern).Expand", "short slices", why, func() { p.Expand(nil, nil) })
		c.panics("ops.(*Pattern).Compress", "short slice", why, func() { _ = p.Compress(nil) })
	}},
	apiCase{names: []string{"ops.CPUKernels", "ops.SetCPUKernels", "ops.DeviceOf",
		"ops.ReleaseGraph", "ops.OpenCUDA"}, run: func(c *checker) {
		c.ok("ops.CPUKernels", "", func() string { return ifNot(ops.CPUKernels() != "", "empty") })
		c.err("ops.SetCPUKernels", `"bogus"`, func() error { return ops.SetCPUKernels("bogus") })
		c.ok("ops.DeviceOf", "nil", func() string { return ifNot(ops.DeviceOf(nil) == nil, "a device") })
		c.ok("ops.ReleaseGraph", "nil", func() string { ops.ReleaseGraph(nil); return "" })
		c.err("ops.OpenCUDA", "without the fbpcuda build", func() error { _, err := ops.OpenCUDA(); return err })
	}},
)
