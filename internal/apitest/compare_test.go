package apitest

import (
	"context"
	"errors"
	"hash/fnv"
	"math"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// bnWidths are the widths of the BinaryNet and EBP cases: a 6-4-1 network.
var bnWidths = []int{6, 4, 1}

// trainerCalls are the hostile calls of the methods that BinaryNet and EBP
// share with pasp.Trainer; each is named by its method.
func trainerCalls(m interface {
	Fit(ctx context.Context, trainSet, test *data.Set) (*pasp.Result, error)
	TrainBatch(x []float64, y []int) error
	Evaluate(x []float64, y []int) (pointwise, bayes float64, err error)
}) map[string]func() error {
	return map[string]func() error{
		"Fit":        func() error { _, err := m.Fit(nilCtx, nil, nil); return err },
		"TrainBatch": func() error { return m.TrainBatch([]float64{nan}, []int{42}) },
		"Evaluate":   func() error { _, _, err := m.Evaluate(nil, []int{1}); return err },
	}
}

// modelAccessors calls the accessors that BinaryNet and EBP share on a nil
// or zero m: none may panic, and Widths must be nil.
func modelAccessors(c *checker, p, what string, m interface {
	Widths() []int
	Stats() pasp.Stats
	SetRecorder(pasp.Recorder)
	Progress() *train.Progress
}) {
	c.ok(p+"Widths", what, func() string { return ifNot(m.Widths() == nil, "widths") })
	c.ok(p+"Stats", what, func() string { _ = m.Stats(); return "" })
	c.ok(p+"SetRecorder", what, func() string { m.SetRecorder(nil); return "" })
	c.ok(p+"Progress", what, func() string { _ = m.Progress(); return "" })
}

// callAll requires an error from each of calls, named p + its key.
func callAll(c *checker, prefix, what string, calls map[string]func() error) {
	for m, f := range calls {
		c.err(prefix+m, what, f)
	}
}

func binaryNetCase() apiCase {
	p := "compare.(*BinaryNet)."
	names := []string{p + "Fit", p + "TrainBatch", p + "Evaluate", p + "Step", p + "Errors", p + "Predict",
		p + "L", p + "Widths", p + "Settings", p + "Stats", p + "SetRecorder", p + "Progress", p + "Weights", p + "Mask",
		"compare.NewBinaryNet", "compare.DefaultBinaryNetSettings"}
	return apiCase{names: names, run: func(c *checker) {
		c.err("compare.NewBinaryNet", "nil widths", func() error { _, err := compare.NewBinaryNet(nil, nil); return err })
		c.err("compare.NewBinaryNet", "negative widths", func() error { _, err := compare.NewBinaryNet([]int{-1, -1}, nil); return err })
		c.ok("compare.DefaultBinaryNetSettings", "", func() string {
			return ifNot(compare.DefaultBinaryNetSettings() != nil, "nil")
		})
		c.err("compare.NewBinaryNet", "LR NaN", func() error {
			s := compare.DefaultBinaryNetSettings()
			s.LR = nan
			_, err := compare.NewBinaryNet(bnWidths, s)
			return err
		})
		for what, bn := range map[string]*compare.BinaryNet{"nil": nil, "zero": {}} {
			calls := trainerCalls(bn)
			calls["Step"] = func() error { _, err := bn.Step(nil, nil); return err }
			calls["Errors"] = func() error { _, err := bn.Errors(nil, nil); return err }
			calls["Predict"] = func() error { return bn.Predict(nil, nil) }
			callAll(c, p, what, calls)
			modelAccessors(c, p, what, bn)
			c.ok(p+"L", what, func() string { _ = bn.L(); return "" })
			c.ok(p+"Settings", what, func() string { _ = bn.Settings(); return "" })
			c.ok(p+"Weights", what, func() string { return ifNot(bn.Weights(0) == nil, "weights") })
			c.ok(p+"Mask", what, func() string { return ifNot(bn.Mask(0) == nil, "a mask") })
		}
		bn, err := compare.NewBinaryNet(bnWidths, nil)
		if err != nil {
			c.t.Fatal(err)
		}
		calls := trainerCalls(bn)
		calls["Step"] = func() error { _, err := bn.Step([]float64{nan, 0, 0, 0, 0, 0}, []int{42}); return err }
		calls["Errors"] = func() error { _, err := bn.Errors(make([]float64, 6), []int{42}); return err }
		calls["Predict"] = func() error { return bn.Predict(make([]int, 2), make([]float64, 5)) }
		callAll(c, p, "hostile arguments", calls)
		for _, l := range badLayers {
			c.ok(p+"Weights", "l out of range", func() string { return ifNot(bn.Weights(l) == nil, "weights") })
			c.ok(p+"Mask", "l out of range", func() string { return ifNot(bn.Mask(l) == nil, "a mask") })
		}
	}}
}

func ebpCase() apiCase {
	p := "compare.(*EBP)."
	names := []string{p + "Fit", p + "TrainBatch", p + "Evaluate", p + "Step", p + "Errors", p + "CheckFinite",
		p + "Widths", p + "Settings", p + "Stats", p + "SetRecorder", p + "Progress", p + "Mean", p + "Field",
		p + "Overlaps", "compare.NewEBP"}
	return apiCase{names: names, run: func(c *checker) {
		c.err("compare.NewEBP", "nil settings", func() error { _, err := compare.NewEBP(nil); return err })
		c.err("compare.NewEBP", "negative widths", func() error {
			_, err := compare.NewEBP(&compare.EBPSettings{Widths: []int{-1, 1}, InitStd: nan})
			return err
		})
		for what, e := range map[string]*compare.EBP{"nil": nil, "zero": {}} {
			calls := trainerCalls(e)
			calls["Step"] = func() error { return e.Step(nil, nil) }
			calls["Errors"] = func() error { _, _, err := e.Errors(nil, nil); return err }
			calls["CheckFinite"] = e.CheckFinite
			callAll(c, p, what, calls)
			modelAccessors(c, p, what, e)
			c.ok(p+"Settings", what, func() string { _ = e.Settings(); return "" })
			c.ok(p+"Mean", what, func() string { return ifNot(e.Mean(0) == nil, "means") })
			c.ok(p+"Field", what, func() string { return ifNot(e.Field(0) == nil, "fields") })
			c.ok(p+"Overlaps", what, func() string { q, _ := e.Overlaps(); return ifNot(q == nil, "overlaps") })
		}
		e, err := compare.NewEBP(&compare.EBPSettings{Widths: bnWidths})
		if err != nil {
			c.t.Fatal(err)
		}
		calls := trainerCalls(e)
		calls["Step"] = func() error { return e.Step([]float64{nan, 0, 0, 0, 0, 0}, []int{42}) }
		calls["Errors"] = func() error { _, _, err := e.Errors(make([]float64, 5), []int{1}); return err }
		callAll(c, p, "hostile arguments", calls)
		for _, l := range badLayers {
			c.ok(p+"Mean", "l out of range", func() string { return ifNot(e.Mean(l) == nil, "means") })
			c.ok(p+"Field", "l out of range", func() string { return ifNot(e.Field(l) == nil, "fields") })
		}
	}}
}

func replicaCases() []apiCase {
	return []apiCase{{names: []string{"compare.NewAnneal", "compare.(*Anneal).Run", "compare.(*Anneal).Energy",
		"compare.(*Anneal).Replica", "compare.(*AnnealSettings).Validate", "compare.DefaultAnnealSettings", "compare.AnnealSolve"},
		run: func(c *checker) {
			c.err("compare.NewAnneal", "nil", func() error { _, err := compare.NewAnneal(nil, nil); return err })
			for _, kn := range [][2]int{{-1, -1}, {0, 0}, {math.MaxInt, math.MaxInt}} {
				c.ok("compare.DefaultAnnealSettings", "K, N out of range", func() string {
					_ = compare.DefaultAnnealSettings(kn[0], kn[1])
					return ""
				})
			}
			c.err("compare.(*AnnealSettings).Validate", "nil", (*compare.AnnealSettings)(nil).Validate)
			c.err("compare.(*AnnealSettings).Validate", "zero", (&compare.AnnealSettings{Beta0: nan}).Validate)
			c.err("compare.AnnealSolve", "nil settings, N -1", func() error {
				_, err := compare.AnnealSolve(nilCtx, nil, -1, nan, -1, 0)
				return err
			})
			for what, a := range map[string]*compare.Anneal{"nil": nil, "zero": {}} {
				c.err("compare.(*Anneal).Run", what, func() error { _, err := a.Run(nilCtx); return err })
				c.ok("compare.(*Anneal).Energy", what, func() string { _ = a.Energy(-1); return "" })
				c.ok("compare.(*Anneal).Replica", what, func() string { return ifNot(a.Replica(-1) == nil, "a replica") })
			}
		}},
		{names: []string{"compare.NewRSGD", "compare.(*RSGD).Run", "compare.(*RSGD).Replica", "compare.DefaultRSGDSettings",
			"compare.SolveFraction"}, run: func(c *checker) {
			c.err("compare.NewRSGD", "nil", func() error { _, err := compare.NewRSGD(nil, nil); return err })
			for _, k := range []int{-1, 0, math.MaxInt} {
				c.ok("compare.DefaultRSGDSettings", "K out of range", func() string { _ = compare.DefaultRSGDSettings(k); return "" })
			}
			c.err("compare.SolveFraction", "nil settings, N -1", func() error {
				_, err := compare.SolveFraction(nilCtx, nil, -1, nan, -1, 0)
				return err
			})
			for what, r := range map[string]*compare.RSGD{"nil": nil, "zero": {}} {
				c.err("compare.(*RSGD).Run", what, func() error { _, err := r.Run(nilCtx); return err })
				c.ok("compare.(*RSGD).Replica", what, func() string { return ifNot(r.Replica(-1) == nil, "a replica") })
			}
		}},
	}
}

// capture is a Fitter that hands the recorder it is given to a test.
type capture struct{ got func(pasp.Recorder) }

func (f capture) Fit(context.Context, *data.Set, *data.Set) (*pasp.Result, error) {
	return nil, errors.New("capture does not train")
}
func (f capture) SetRecorder(r pasp.Recorder) { f.got(r) }

func runnerCases() []apiCase {
	return []apiCase{{names: []string{"compare.RunAll", "compare.(*Runner).Run", "compare.(*collector).Init",
		"compare.(*collector).Record"}, run: func(c *checker) {
		jobs := []compare.Job{{Algo: "bpi"}, {}}
		c.err("compare.RunAll", "nil ctx, jobs without New, nil sets", func() error {
			_, err := compare.RunAll(nilCtx, jobs, nil, nil, nil)
			return err
		})
		for what, r := range map[string]*compare.Runner{"nil": nil, "zero": {}} {
			c.err("compare.(*Runner).Run", what+" runner", func() error { _, err := r.Run(nilCtx, jobs, nil, nil); return err })
		}
		var rec pasp.Recorder
		job := compare.Job{Algo: "x", New: func() (compare.Fitter, error) { return capture{func(r pasp.Recorder) { rec = r }}, nil }}
		_, _ = compare.RunAll(context.Background(), []compare.Job{job}, tinySet(), nil, nil)
		if rec == nil {
			c.t.Fatal("RunAll gave the Fitter no recorder")
		}
		c.ok("compare.(*collector).Init", "nil Stats", func() string { _ = rec.Init(nil); return "" })
		c.ok("compare.(*collector).Record", "nil Stats, bad event", func() string {
			_ = rec.Record(pasp.EpochEnd, nil)
			_ = rec.Record(-1, &pasp.Stats{})
			return ""
		})
	}},
		{names: []string{"compare.(*Session).Fit", "compare.(*Session).Save", "compare.(*Session).Logf"}, run: func(c *checker) {
			for what, s := range map[string]*compare.Session{"nil": nil, "zero": {}} {
				c.err("compare.(*Session).Fit", what, func() error { return s.Fit(-1, nil, nil) })
				if what == "nil" {
					c.err("compare.(*Session).Save", what, s.Save)
				} else {
					c.nilErr("compare.(*Session).Save", what+" (not checkpointed: nothing to save)", s.Save)
				}
				c.ok("compare.(*Session).Logf", what, func() string { s.Logf(hostileFormat, 1); return "" })
			}
		}},
		{names: []string{"compare.(*Results).Summaries", "compare.(*Results).Table", "compare.(*Results).WriteDir",
			"compare.MeanEpochSeconds", "compare.MeanStd", "compare.WriteAnnealDir", "compare.FormatMeanStd",
			"compare.CheckDir", "compare.WriteCSV"}, run: func(c *checker) {
			for what, r := range map[string]*compare.Results{"nil": nil, "zero": {}, "nil run": {Runs: []*compare.Run{nil}}} {
				c.ok("compare.(*Results).Summaries", what, func() string { _ = r.Summaries(nil); return "" })
				c.ok("compare.(*Results).Table", what, func() string { _ = r.Table(nil); return "" })
				c.err("compare.(*Results).WriteDir", what+", dir \"\"", func() error { return r.WriteDir("", "", "", nil) })
			}
			c.ok("compare.MeanEpochSeconds", "nil", func() string { _ = compare.MeanEpochSeconds(nil); return "" })
			c.ok("compare.MeanStd", "nil", func() string { _, _ = compare.MeanStd(nil); return "" })
			c.ok("compare.FormatMeanStd", "NaN, ±Inf", func() string {
				return ifNot(compare.FormatMeanStd(nan, inf) != "" && compare.FormatMeanStd(-inf, nan) != "", "empty")
			})
			c.err("compare.CheckDir", `"", ""`, func() error { return compare.CheckDir("", "") })
			c.err("compare.CheckDir", "a file as the directory", func() error { return compare.CheckDir("-out", "/dev/null") })
			c.err("compare.WriteCSV", `""`, func() error { return compare.WriteCSV("", [][]string{{"a"}}) })
			c.err("compare.WriteCSV", "missing directory", func() error { return compare.WriteCSV("/nonexistent/dir/x.csv", nil) })
			c.err("compare.WriteAnnealDir", `dir ""`, func() error { return compare.WriteAnnealDir("", "", nil) })
		}},
	}
}

// steMethods are the methods of compare's straight-through op beyond opMethods.
var steMethods = []string{"ReturnsPtr", "CallsExtern", "OverwritesInput", "DiffWRT", "SymDiff", "DoDiff"}

func compareOpCases() []apiCase {
	p := "compare.(*steOp)."
	var names []string
	for _, m := range append(append([]string(nil), opMethods...), steMethods...) {
		names = append(names, p+m)
	}
	names = append(names, "compare.SignSTE", "compare.BinarizeSTE", "compare.steKind.String")
	var ce []string
	for _, m := range append(append([]string(nil), opMethods[:len(opMethods)-4]...), "WriteHash", "Hashcode", "String",
		"ReturnsPtr", "CallsExtern", "OverwritesInput", "DiffWRT", "SymDiff") {
		if m != "UsePreallocDo" {
			ce = append(ce, "compare.(*bnCEOp)."+m)
		}
	}
	return []apiCase{{names: names, run: func(c *checker) {
		c.err("compare.SignSTE", "nil", func() error { _, err := compare.SignSTE(nil); return err })
		c.err("compare.BinarizeSTE", "nil", func() error { _, err := compare.BinarizeSTE(nil, nil); return err })
		g := gorgonia.NewGraph()
		n, err := compare.SignSTE(mat(g, 2, 2))
		if err != nil {
			c.t.Fatal(err)
		}
		op := n.Op()
		opContract(c, p, op)
		c.ok("compare.steKind.String", "via the op", func() string { return ifNot(op.String() != "", "empty") })
		x := op.(interface {
			ReturnsPtr() bool
			CallsExtern() bool
			OverwritesInput() int
		})
		c.ok(p+"ReturnsPtr", "", func() string { _ = x.ReturnsPtr(); return "" })
		c.ok(p+"CallsExtern", "", func() string { _ = x.CallsExtern(); return "" })
		c.ok(p+"OverwritesInput", "", func() string { _ = x.OverwritesInput(); return "" })
		sd := op.(gorgonia.SDOp)
		for _, k := range []int{-1, 0, 99} {
			c.ok(p+"DiffWRT", "bad input counts", func() string { _ = sd.DiffWRT(k); return "" })
		}
		c.err(p+"SymDiff", "nil nodes", func() error { _, err := sd.SymDiff(nil, nil, nil); return err })
		ad := op.(gorgonia.ADOp)
		c.err(p+"DoDiff", "nil nodes", func() error { return ad.DoDiff(gorgonia.ExecutionContext{}, nil, nil) })
		_ = fnv.New32a
		_ = tensor.Float64
	}}, {names: ce, run: func(c *checker) {
		for _, n := range ce {
			c.unreachable(n, "the loss op of BinaryNet's internal graph; no exported function returns its node")
		}
	}}}
}

var compareCases = append(append(append([]apiCase{
	errorCase("compare", "AnnealSettingsError", &compare.AnnealSettingsError{}, (*compare.AnnealSettingsError)(nil), true),
	errorCase("compare", "BinaryNetSettingsError", &compare.BinaryNetSettingsError{}, (*compare.BinaryNetSettingsError)(nil), true),
	errorCase("compare", "EBPSettingsError", &compare.EBPSettingsError{}, (*compare.EBPSettingsError)(nil), true),
	errorCase("compare", "RSGDSettingsError", &compare.RSGDSettingsError{}, (*compare.RSGDSettingsError)(nil), true),
	binaryNetCase(), ebpCase(),
	{names: []string{"compare.AnnealStatus.String", "compare.EBPWeights.String", "compare.RSGDFormula.String"}, run: func(c *checker) {
		for _, v := range []int{-1, 99} {
			c.ok("compare.AnnealStatus.String", "out of range", func() string { return ifNot(compare.AnnealStatus(v).String() != "", "empty") })
			c.ok("compare.EBPWeights.String", "out of range", func() string { return ifNot(compare.EBPWeights(v).String() != "", "empty") })
			c.ok("compare.RSGDFormula.String", "out of range", func() string { return ifNot(compare.RSGDFormula(v).String() != "", "empty") })
		}
	}},
	{names: []string{"compare.CommitteeErrors", "compare.HasBayes", "compare.MessagePassing", "compare.NewAlgorithm",
		"compare.PaspSettings"}, run: func(c *checker) {
		c.err("compare.CommitteeErrors", "nil set, K -1", func() error { _, err := compare.CommitteeErrors(nil, nil, -1); return err })
		c.err("compare.CommitteeErrors", "short w", func() error { _, err := compare.CommitteeErrors(tinySet(), []float64{1}, 3); return err })
		c.ok("compare.HasBayes", `""`, func() string { _ = compare.HasBayes(""); return "" })
		c.ok("compare.MessagePassing", `""`, func() string { return ifNot(!compare.MessagePassing(""), "true") })
		c.err("compare.NewAlgorithm", `"", nil`, func() error { _, err := compare.NewAlgorithm("", nil); return err })
		c.err("compare.NewAlgorithm", `bpi, nil`, func() error { _, err := compare.NewAlgorithm("bpi", nil); return err })
		c.err("compare.NewAlgorithm", "bpi, negative widths", func() error {
			_, err := compare.NewAlgorithm("bpi", &compare.AlgorithmSettings{Widths: []int{-1, 1}, Density: nan})
			return err
		})
		c.err("compare.PaspSettings", `"", nil`, func() error { _, _, err := compare.PaspSettings("", nil); return err })
		c.err("compare.PaspSettings", `bpi, nil`, func() error { _, _, err := compare.PaspSettings("bpi", nil); return err })
	}},
}, replicaCases()...), runnerCases()...), compareOpCases()...)
