package apitest

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/fbpgo/fbp/compare/experiments"
)

// expPkg is the table's prefix of package compare/experiments.
const expPkg = "compare/experiments."

// expMethods are the methods of an Experiment.
var expMethods = []string{"Info", "Defaults", "Flags", "Check", "Jobs", "Report"}

// expTypes are the experiment types of the package, and base, whose
// methods they inherit where they do not declare their own.
var expTypes = []string{"base", "fig1Arch", "fig1Sparse", "fig2Bayes", "fig3Continual", "localEnergyExp",
	"overlaps", "table1", "timing"}

// expNames are the methods of the experiment types that exist (a listing
// error is TestEveryEntryPointHasACase's to report).
func expNames() []string {
	api, _ := listAPI()
	have := map[string]bool{}
	for _, n := range api {
		have[n] = true
	}
	var out []string
	for _, typ := range expTypes {
		for _, m := range expMethods {
			if n := expPkg + typ + "." + m; have[n] {
				out = append(out, n)
			}
		}
	}
	return out
}

// declared returns the table name of method m of experiment e: its own,
// or base's when it inherits it.
func declared(api map[string]bool, e experiments.Experiment, m string) string {
	typ := fmt.Sprintf("%T", e)
	typ = typ[strings.LastIndex(typ, ".")+1:]
	if n := expPkg + typ + "." + m; api[n] {
		return n
	}
	return expPkg + "base." + m
}

// nilPlugin is why an Experiment's methods may panic on nil arguments.
const nilPlugin = "documented at Experiment: Run hands its methods the flag set, Params and Report it made; a nil one is a programmer error"

// hostileParams are parameters CheckParams must refuse.
var hostileParams = map[string]*experiments.Params{
	"zero":     {},
	"negative": {Epochs: -1, Batch: -1, TrainSubset: -1, TrainEval: -1, NTasks: -1, Repeats: -1, Hidden: []int{-3}},
	"NaN": {Epochs: 1, Batch: 1, LR: nan, Sparsity: []float64{nan, 200}, LRs: []float64{-inf}, Flips: []float64{2},
		Batches: []int{0}, Seeds: []uint64{1, 1}, Algos: []string{"nope"}, Data: []string{""}, Tasks: []string{"x"}},
}

func experimentCases() []apiCase {
	var api map[string]bool
	return []apiCase{{names: expNames(), run: func(c *checker) {
		if api == nil {
			api = map[string]bool{}
			for _, n := range exportedAPI(c.t) {
				api[n] = true
			}
		}
		for _, name := range experiments.Names() {
			e, _ := experiments.Lookup(name)
			n := func(m string) string { return declared(api, e, m) }
			c.ok(n("Info"), name, func() string { return ifNot(e.Info().Name == name, "another name") })
			c.ok(n("Defaults"), name, func() string { _ = e.Defaults(); return "" })
			c.mayPanic(n("Flags"), name+", nil flag set and params", nilPlugin, func() { _ = e.Flags(nil, nil) })
			c.ok(n("Flags"), name+", zero params", func() string {
				fs := flag.NewFlagSet(name, flag.ContinueOnError)
				fs.SetOutput(io.Discard)
				parse := e.Flags(fs, &experiments.Params{})
				_ = fs.Parse([]string{"-ntasks", "-1", "-sparsity", "x,,", "-repeats", "-1"})
				if parse != nil {
					_ = parse()
				}
				return ""
			})
			c.mayPanic(n("Check"), name+", nil", nilPlugin, func() { _ = e.Check(nil) })
			for what, p := range hostileParams {
				c.err(n("Check")+" via CheckParams", name+", "+what, func() error { return experiments.CheckParams(e, p) })
				c.called[n("Check")] = true
				c.ok(n("Jobs"), name+", "+what, func() string { _ = e.Jobs(p); return "" })
			}
			c.mayPanic(n("Jobs"), name+", nil", nilPlugin, func() { _ = e.Jobs(nil) })
			c.mayPanic(n("Report"), name+", nil report", nilPlugin, func() { _, _ = e.Report(nil) })
			c.mayPanic(n("Report"), name+", zero report", nilPlugin, func() { _, _ = e.Report(&experiments.Report{}) })
		}
	}}}
}

var experimentsCases = append(experimentCases(),
	apiCase{names: []string{expPkg + "(*Report).CSV", expPkg + "(*Report).Curves", expPkg + "(*Report).Overlaps",
		expPkg + "(*Report).Printf", expPkg + "(*Report).Summary"}, run: func(c *checker) {
		for what, r := range map[string]*experiments.Report{"nil": nil, "zero": {}} {
			c.err(expPkg+"(*Report).CSV", what, func() error { return r.CSV("../x", [][]string{{"a"}}) })
			c.err(expPkg+"(*Report).Curves", what, func() error { _, err := r.Curves(); return err })
			c.err(expPkg+"(*Report).Overlaps", what, func() error { _, err := r.Overlaps(); return err })
			c.ok(expPkg+"(*Report).Printf", what, func() string { r.Printf(hostileFormat, 1); return "" })
			c.ok(expPkg+"(*Report).Summary", what, func() string { r.Summary(nil); return "" })
		}
	}},
	apiCase{names: []string{expPkg + "(*plan).Checkpoints", expPkg + "(*plan).Data", expPkg + "(*plan).Epoch",
		expPkg + "(*plan).ID", expPkg + "(*plan).Record", expPkg + "(*plan).Restore", expPkg + "(*plan).Resume",
		expPkg + "(*plan).Train"}, run: func(c *checker) {
		for _, m := range []string{"Checkpoints", "Data", "Epoch", "ID", "Record", "Restore", "Resume", "Train"} {
			c.unreachable(expPkg+"(*plan)."+m, "the compare.Plan that Run hands to its own Runner; it never leaves the package")
		}
	}},
	apiCase{names: []string{expPkg + "CheckParams", expPkg + "Run", expPkg + "LoadData", expPkg + "Lookup",
		expPkg + "Names", expPkg + "ParseFloats", expPkg + "ParseInts", expPkg + "Slug", expPkg + "GitRevision",
		expPkg + "(*Job).MessagePassing", expPkg + "Register", expPkg + "CheckNeeds", expPkg + "Distinct",
		expPkg + "InputWidth", expPkg + "Needs", expPkg + "NetworkBytes", expPkg + "RecordBytes", expPkg + "ValidLR"},
		run: func(c *checker) {
			e, _ := experiments.Lookup(experiments.Names()[0])
			c.err(expPkg+"CheckParams", "nil experiment, nil params", func() error { return experiments.CheckParams(nil, nil) })
			c.err(expPkg+"CheckParams", "nil params", func() error { return experiments.CheckParams(e, nil) })
			c.err(expPkg+"Run", "nil everything", func() error { _, err := experiments.Run(nilCtx, nil, nil, nil); return err })
			c.err(expPkg+"Run", "nil options", func() error {
				p := e.Defaults()
				_, err := experiments.Run(nilCtx, e, &p, nil)
				return err
			})
			c.err(expPkg+"LoadData", `"", "", ""`, func() error { _, _, err := experiments.LoadData("", "", ""); return err })
			c.ok(expPkg+"Lookup", `""`, func() string { _, ok := experiments.Lookup(""); return ifNot(!ok, "found") })
			c.ok(expPkg+"Names", "", func() string { return ifNot(len(experiments.Names()) > 0, "none") })
			c.err(expPkg+"ParseFloats", "NaN", func() error { _, err := experiments.ParseFloats("", "1,NaN"); return err })
			c.err(expPkg+"ParseInts", `","`, func() error { _, err := experiments.ParseInts("", ","); return err })
			c.ok(expPkg+"Slug", `""`, func() string { _ = experiments.Slug(""); return "" })
			c.ok(expPkg+"GitRevision", "", func() string { return ifNot(experiments.GitRevision() != "", "empty") })
			c.ok(expPkg+"(*Job).MessagePassing", "nil", func() string {
				return ifNot(!(*experiments.Job)(nil).MessagePassing(), "true")
			})
			c.err(expPkg+"CheckNeeds", "over the limit, negative and saturated needs", func() error {
				return experiments.CheckNeeds(1, experiments.Need{Flag: "-x", Bytes: -1}, experiments.Need{Bytes: math.MaxInt64})
			})
			c.nilErr(expPkg+"CheckNeeds", "no limit", func() error { return experiments.CheckNeeds(-1, experiments.Need{Bytes: math.MaxInt64}) })
			c.err(expPkg+"Distinct", "a repeated value", func() error { return experiments.Distinct("", []float64{1, 1}) })
			c.nilErr(expPkg+"Distinct", "nil", func() error { return experiments.Distinct[int]("", nil) })
			c.ok(expPkg+"InputWidth", `""`, func() string { return ifNot(experiments.InputWidth("") > 0, "≤ 0") })
			c.ok(expPkg+"Needs", "nil experiment and params", func() string { _ = experiments.Needs(nil, nil); return "" })
			for what, p := range hostileParams {
				c.ok(expPkg+"Needs", what+" params", func() string { _ = experiments.Needs(e, p); return "" })
			}
			c.ok(expPkg+"NetworkBytes", "unknown kind, negative widths", func() string {
				_ = experiments.NetworkBytes("", []int{-1, math.MaxInt, math.MaxInt}, -1)
				_ = experiments.NetworkBytes("bp", nil, math.MaxInt)
				return ""
			})
			c.ok(expPkg+"RecordBytes", "negative and huge", func() string {
				_ = experiments.RecordBytes(-1, math.MaxInt)
				return ifNot(experiments.RecordBytes(math.MaxInt, math.MaxInt) > 0, "overflowed")
			})
			c.ok(expPkg+"ValidLR", "NaN, ±Inf", func() string {
				return ifNot(!experiments.ValidLR(nan) && !experiments.ValidLR(inf) && !experiments.ValidLR(-inf), "valid")
			})
			const why = "documented: registering is done by the package's init functions, where a nil or duplicate experiment is a programming error"
			c.panics(expPkg+"Register", "nil", why, func() { experiments.Register(nil) })
			c.panics(expPkg+"Register", "a registered name", why, func() { experiments.Register(e) })
		}},
)
