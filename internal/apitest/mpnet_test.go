package apitest

import (
	"bytes"
	"math"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/mpnet"
)

// zeroNets are networks that New did not make.
var zeroNets = map[string]*mpnet.Network{"nil": nil, "zero": {}}

// badLayers are layer indices outside [0, L) of a 2-layer network.
var badLayers = []int{-1, 2, 5, math.MinInt, math.MaxInt}

// layerAccessors are the Network methods that take a layer index and, for
// one out of range, return a zero value; each reports whether it did.
var layerAccessors = map[string]func(net *mpnet.Network, l int) bool{
	"M":            func(n *mpnet.Network, l int) bool { return n.M(l) == nil },
	"H":            func(n *mpnet.Network, l int) bool { return n.H(l) == nil },
	"Hext":         func(n *mpnet.Network, l int) bool { return n.Hext(l) == nil },
	"Mask":         func(n *mpnet.Network, l int) bool { return n.Mask(l) == nil },
	"Omega":        func(n *mpnet.Network, l int) bool { return n.Omega(l) == nil },
	"Omegaext":     func(n *mpnet.Network, l int) bool { return n.Omegaext(l) == nil },
	"NNZ":          func(n *mpnet.Network, l int) bool { return n.NNZ(l) == 0 },
	"Sparse":       func(n *mpnet.Network, l int) bool { return !n.Sparse(l) },
	"Shape":        func(n *mpnet.Network, l int) bool { K, N := n.Shape(l); return K == 0 && N == 0 },
	"Kind":         func(n *mpnet.Network, l int) bool { return n.Kind(l).String() == "Kind(?)" },
	"Overlaps":     func(n *mpnet.Network, l int) bool { return n.Overlaps(l).Q0 == nil },
	"Focus":        func(n *mpnet.Network, l int) bool { y, p := n.Focus(l); return y == 0 && !p },
	"PointWeights": func(n *mpnet.Network, l int) bool { return n.PointWeights(l) == nil },
}

// netName is the table's name of the Network method m.
func netName(m string) string { return "mpnet.(*Network)." + m }

// netErrCalls are the Network methods that return an error, called with
// hostile arguments (nil slices, out-of-range values).
var netErrCalls = map[string]func(n *mpnet.Network) error{
	"Init":             func(n *mpnet.Network) error { return n.Init(1, nilRng) },
	"SetPrior":         func(n *mpnet.Network) error { return n.SetPrior(nil, nan) },
	"SetBatch":         func(n *mpnet.Network) error { return n.SetBatch(nil, nil) },
	"Iterate":          func(n *mpnet.Network) error { _, err := n.Iterate(nil, []float64{-1}); return err },
	"SetFocus":         func(n *mpnet.Network) error { return n.SetFocus([]float64{0.5, nan, inf}, true) },
	"Upload":           func(n *mpnet.Network) error { _, err := n.Upload(nil, []int{42}); return err },
	"SetBatchResident": func(n *mpnet.Network) error { return n.SetBatchResident(nil, []int{-1}) },
	"Export":           func(n *mpnet.Network) error { _, err := n.Export(-1); return err },
	"ExportTo":         func(n *mpnet.Network) error { _, err := n.ExportTo(nil); return err },
	"Predict":          func(n *mpnet.Network) error { return n.Predict(make([]int, 2), []float64{1}) },
	"PredictBayes":     func(n *mpnet.Network) error { return n.PredictBayes(nil, []float64{1}) },
	"Errors":           func(n *mpnet.Network) error { _, _, err := n.Errors([]float64{nan}, []int{42}); return err },
	"WriteTo":          func(n *mpnet.Network) error { _, err := n.WriteTo(nilW); return err },
}

// netCallsOnZero are the error-returning methods that a nil or zero
// Network must refuse whatever the arguments; To and CheckFinite take
// none that could be wrong.
var netCallsOnZero = map[string]func(n *mpnet.Network) error{
	"To":          func(n *mpnet.Network) error { return n.To(nil) },
	"CheckFinite": func(n *mpnet.Network) error { return n.CheckFinite() },
	"Init":        func(n *mpnet.Network) error { return n.Init(1, rng()) },
	"SetPrior":    func(n *mpnet.Network) error { return n.SetPrior([]float64{1, 1}, 0) },
	"SetFocus":    func(n *mpnet.Network) error { return n.SetFocus([]float64{0}, false) },
	"Export":      func(n *mpnet.Network) error { _, err := n.Export(1); return err },
	"WriteTo":     func(n *mpnet.Network) error { _, err := n.WriteTo(&bytes.Buffer{}); return err },
	"Predict":     func(n *mpnet.Network) error { return n.Predict(make([]int, 1), make([]float64, 6)) },
	"Errors":      func(n *mpnet.Network) error { _, _, err := n.Errors(make([]float64, 6), []int{1}); return err },
	"SetBatch":    func(n *mpnet.Network) error { return n.SetBatch(make([]float64, 6), []int{1}) },
}

func networkCases() []apiCase {
	var names []string
	for m := range layerAccessors {
		names = append(names, netName(m))
	}
	for m := range netErrCalls {
		names = append(names, netName(m))
	}
	names = append(names, netName("To"), netName("CheckFinite"), netName("Config"), netName("L"),
		netName("Dtype"), netName("Device"))
	return []apiCase{{names: names, run: func(c *checker) {
		net := tinyNet(c.t)
		for m, f := range layerAccessors {
			for _, l := range badLayers {
				c.ok(netName(m), "l out of range", func() string { return ifNot(f(net, l), "not the zero value") })
			}
			for what, z := range zeroNets {
				c.ok(netName(m), what+" network", func() string { return ifNot(f(z, 0), "not the zero value") })
			}
		}
		for m, f := range netErrCalls {
			c.err(netName(m), "hostile arguments", func() error { return f(net) })
		}
		for what, z := range zeroNets {
			for m, f := range netCallsOnZero {
				c.err(netName(m), what+" network", func() error { return f(z) })
			}
			c.ok(netName("Config"), what, func() string { return ifNot(len(z.Config().Widths) == 0, "widths") })
			c.ok(netName("L"), what, func() string { return ifNot(z.L() == 0, "L ≠ 0") })
			c.ok(netName("Dtype"), what, func() string { _ = z.Dtype(); return "" })
			c.ok(netName("Device"), what, func() string { return ifNot(z.Device() == nil, "a device") })
		}
		c.nilErr(netName("To"), "nil device (the host)", func() error { return net.To(nil) })
		c.nilErr(netName("CheckFinite"), "fresh network", net.CheckFinite)
	}}}
}

var mpnetCases = append(networkCases(),
	errorCase("mpnet", "NonFiniteError", &mpnet.NonFiniteError{}, (*mpnet.NonFiniteError)(nil), false),
	apiCase{names: []string{"mpnet.(*Config).Classes", "mpnet.(*Config).L", "mpnet.(*Config).Validate"}, run: func(c *checker) {
		for what, cfg := range map[string]*mpnet.Config{
			"zero": {}, "one width": {Widths: []int{3}}, "negative widths": {Widths: []int{-1, -2}, Kinds: []mpnet.Kind{-1}},
			"huge":        {Widths: []int{1 << 40, 1 << 40}, Kinds: []mpnet.Kind{mpnet.BP}},
			"density NaN": {Widths: []int{2, 1}, Kinds: []mpnet.Kind{mpnet.BP}, Density: []float64{nan}},
			"dtype int":   {Widths: []int{2, 1}, Kinds: []mpnet.Kind{mpnet.BP}, Dtype: tensor.Int},
		} {
			c.err("mpnet.(*Config).Validate", what, cfg.Validate)
			c.ok("mpnet.(*Config).Classes", what, func() string { _ = cfg.Classes(); return "" })
			c.ok("mpnet.(*Config).L", what, func() string { _ = cfg.L(); return "" })
		}
	}},
	apiCase{names: []string{"mpnet.New", "mpnet.ReadNetwork"}, run: func(c *checker) {
		c.err("mpnet.New", "zero config", func() error { _, err := mpnet.New(mpnet.Config{}, rng()); return err })
		c.err("mpnet.New", "nil rng", func() error { _, err := mpnet.New(tinyCfg(), nilRng); return err })
		c.err("mpnet.ReadNetwork", "nil reader", func() error { _, err := mpnet.ReadNetwork(nilR); return err })
		c.err("mpnet.ReadNetwork", "empty", func() error { _, err := mpnet.ReadNetwork(strings.NewReader("")); return err })
		c.err("mpnet.ReadNetwork", "magic only", func() error {
			_, err := mpnet.ReadNetwork(strings.NewReader("FBPNET\x00\x01\xff\xff\xff\xff"))
			return err
		})
	}},
	apiCase{names: []string{"mpnet.(*Exported).Decode", "mpnet.(*Exported).Predict"}, run: func(c *checker) {
		for what, e := range map[string]*mpnet.Exported{"nil": nil, "zero": {}} {
			c.err("mpnet.(*Exported).Decode", what, func() error { return e.Decode(nil, nil) })
			c.err("mpnet.(*Exported).Predict", what, func() error { return e.Predict(nil, nil) })
		}
		e, err := tinyNet(c.t).Export(2)
		if err != nil {
			c.t.Fatal(err)
		}
		c.err("mpnet.(*Exported).Decode", "nil value", func() error { return e.Decode(make([]int, 2), nil) })
		c.err("mpnet.(*Exported).Decode", "wrong shape", func() error {
			return e.Decode(make([]int, 2), tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{1})))
		})
		c.err("mpnet.(*Exported).Predict", "short x", func() error { return e.Predict(make([]int, 3), make([]float64, 5)) })
		_ = gorgonia.NewGraph
	}},
	apiCase{names: []string{"mpnet.(*Resident).Release"}, run: func(c *checker) {
		c.ok("mpnet.(*Resident).Release", "nil, zero, twice", func() string {
			(*mpnet.Resident)(nil).Release()
			(&mpnet.Resident{}).Release()
			r, err := tinyNet(c.t).Upload(tinySet().X, tinySet().Y)
			if err != nil {
				return err.Error()
			}
			r.Release()
			r.Release()
			return ""
		})
	}},
	apiCase{names: []string{"mpnet.(*countWriter).Write"}, run: func(c *checker) {
		c.unreachable("mpnet.(*countWriter).Write", "WriteTo's internal writer; it never leaves the package")
	}},
	apiCase{names: []string{"mpnet.Decide", "mpnet.Sign"}, run: func(c *checker) {
		c.ok("mpnet.Decide", "K 0, short scores", func() string {
			mpnet.Decide(make([]int, 3), []float64{1}, 0, nan)
			mpnet.Decide(make([]int, 3), []float64{1}, 2, 0)
			mpnet.Decide(make([]int, 3), nil, -1, 0)
			return ""
		})
		c.ok("mpnet.Sign", "NaN", func() string { _ = mpnet.Sign(nan); return "" })
	}},
	apiCase{names: []string{"mpnet.Kind.DefaultPsi", "mpnet.Kind.Focusable", "mpnet.Kind.MultiClass",
		"mpnet.Kind.String", "mpnet.Kinds", "mpnet.ParseKind"}, run: func(c *checker) {
		for _, k := range []mpnet.Kind{-1, 99} {
			c.ok("mpnet.Kind.DefaultPsi", "invalid kind", func() string { _ = k.DefaultPsi(-5); return "" })
			c.ok("mpnet.Kind.Focusable", "invalid kind", func() string { return ifNot(!k.Focusable(), "focusable") })
			c.ok("mpnet.Kind.MultiClass", "invalid kind", func() string { return ifNot(!k.MultiClass(), "multi-class") })
			c.ok("mpnet.Kind.String", "invalid kind", func() string { return ifNot(k.String() != "", "empty") })
		}
		for _, L := range []int{-1, 0} {
			c.ok("mpnet.Kinds", "L ≤ 0", func() string { return ifNot(mpnet.Kinds(-1, L, -1) == nil, "not nil") })
		}
		c.err("mpnet.ParseKind", `""`, func() error { _, err := mpnet.ParseKind(""); return err })
	}},
)
