package apitest

import (
	"errors"
	"io/fs"
	"math"
	"path/filepath"
	"strings"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/data"
)

// setErrCalls are the data functions that take sets, called with s.
var setErrCalls = map[string]func(s *data.Set) error{
	"data.Permute":    func(s *data.Set) error { _, err := data.Permute(s, []int{-1}); return err },
	"data.Shuffle":    func(s *data.Set) error { _, err := data.Shuffle(s, nilRng); return err },
	"data.EvenOdd":    func(s *data.Set) error { _, err := data.EvenOdd(s); return err },
	"data.TwoClass":   func(s *data.Set) error { _, _, err := data.TwoClass(s, s); return err },
	"data.PixelStats": func(s *data.Set) error { _, err := data.PixelStats(s); return err },
	"data.Standardize": func(s *data.Set) error {
		_, _, _, err := data.Standardize(s, s)
		return err
	},
	"data.ChannelStats": func(s *data.Set) error { _, err := data.ChannelStats(s, -1); return err },
	"data.StandardizeChannels": func(s *data.Set) error {
		_, _, _, err := data.StandardizeChannels(s, s, 0)
		return err
	},
	"data.WriteIDX":        func(s *data.Set) error { return data.WriteIDX(nilW, nilW, s) },
	"data.Stats.Apply":     func(s *data.Set) error { _, err := (data.Stats{Std: -1}).Apply(s); return err },
	"data.(*Set).Validate": func(s *data.Set) error { return s.Validate() },
	"data.(*Set).Subset":   func(s *data.Set) error { _, err := s.Subset([]int{-1, math.MaxInt}); return err },
	"data.(*Set).Head":     func(s *data.Set) error { _, err := s.Head(math.MinInt); return err },
	"data.(*Set).Tensor":   func(s *data.Set) error { _, err := s.Tensor(); return err },
}

// walkErr calls Error, Unwrap and Is on err and everything it wraps.
func walkErr(err error) {
	for err != nil {
		_ = err.Error()
		_ = errors.Is(err, fs.ErrNotExist)
		if m, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range m.Unwrap() {
				walkErr(e)
			}
		}
		err = errors.Unwrap(err)
	}
}

var dataCases = []apiCase{
	errorCase("data", "FormatError", &data.FormatError{}, (*data.FormatError)(nil), true).nilSafe(),
	errorCase("data", "SetError", &data.SetError{}, (*data.SetError)(nil), true).nilSafe(),
	{names: func() []string {
		var n []string
		for k := range setErrCalls {
			n = append(n, k)
		}
		return n
	}(), run: func(c *checker) {
		for what, s := range badSets() {
			for name, f := range setErrCalls {
				if name == "data.(*Set).Tensor" && (what == "NaN" || what == "label 42") {
					continue // documented: Tensor checks the shape only
				}
				c.err(name, what+" set", func() error { return f(s) })
			}
		}
	}},
	{names: []string{"data.(*Set).Row", "data.(*Set).Clone", "data.(*Set).Fingerprint"}, run: func(c *checker) {
		for what, s := range badSets() {
			for _, i := range []int{-1, 7, math.MaxInt} {
				if what == "zero" {
					continue // N = 0: every row is the empty slice
				}
				c.panics("data.(*Set).Row", what+" set, out of range",
					"documented: like indexing a slice, for the trainers' inner loops on checked sets", func() { s.Row(i) })
			}
			c.ok("data.(*Set).Clone", what+" set", func() string { _ = s.Clone(); return "" })
			c.ok("data.(*Set).Fingerprint", what+" set", func() string { _ = s.Fingerprint(); return "" })
		}
	}},
	{names: []string{"data.ReadIDX", "data.ReadCIFAR", "data.Open", "data.Load", "data.LoadCIFAR10", "data.Fetch",
		"data.FromTensor", "data.PixelPermutation", "data.RandomPatterns", "data.RandomTeacher", "data.TeacherPatterns"},
		run: func(c *checker) {
			c.err("data.ReadIDX", "nil readers", func() error { _, err := data.ReadIDX(nilR, nilR); return err })
			c.err("data.ReadIDX", "empty", func() error {
				_, err := data.ReadIDX(strings.NewReader(""), strings.NewReader("\x00\x00\x08\x01\xff\xff\xff\xff"))
				return err
			})
			c.err("data.ReadCIFAR", "nil reader", func() error { _, err := data.ReadCIFAR(nilR, ""); return err })
			c.err("data.Open", `""`, func() error { _, err := data.Open("", ""); return err })
			c.err("data.Load", "unknown source", func() error { _, _, err := data.Load("", ""); return err })
			c.err("data.Load", "missing directory", func() error { _, _, err := data.Load("mnist", "/nonexistent"); return err })
			c.err("data.LoadCIFAR10", "missing directory", func() error { _, _, err := data.LoadCIFAR10("/nonexistent"); return err })
			c.err("data.Fetch", "unknown set", func() error { return data.Fetch(filepath.Join(c.t.TempDir(), "d"), "nope") })
			c.err("data.FromTensor", "nil", func() error { _, err := data.FromTensor(nil, nil, -1); return err })
			c.err("data.FromTensor", "NaN", func() error {
				x := tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float64{nan, 1}))
				_, err := data.FromTensor(x, []int{42}, 2)
				return err
			})
			for _, n := range []int{-1, math.MaxInt} {
				c.err("data.PixelPermutation", "n out of range", func() error { _, err := data.PixelPermutation(rng(), n); return err })
				c.err("data.RandomPatterns", "N, M out of range", func() error { _, err := data.RandomPatterns(rng(), n, n); return err })
				c.err("data.RandomTeacher", "N out of range", func() error { _, err := data.RandomTeacher(rng(), n); return err })
				c.err("data.TeacherPatterns", "M out of range", func() error { _, err := data.TeacherPatterns(rng(), []float64{1}, n); return err })
			}
			c.err("data.PixelPermutation", "nil rng", func() error { _, err := data.PixelPermutation(nilRng, 3); return err })
			c.err("data.TeacherPatterns", "nil w", func() error { _, err := data.TeacherPatterns(nilRng, nil, 3); return err })
		}},
	{names: []string{"data.(*problem).Error", "data.(*problem).Unwrap", "data.(*missingError).Error", "data.(*missingError).Is"},
		run: func(c *checker) {
			// Values of these types reach users only inside the errors of the
			// readers and of Load: walk those chains.
			_, err := data.ReadIDX(strings.NewReader("\x00\x00\x08\x03\x00\x00\x00\x01"), strings.NewReader("junk"))
			c.ok("data.(*problem).Error", "via ReadIDX's error", func() string { walkErr(err); return "" })
			c.ok("data.(*problem).Unwrap", "via ReadIDX's error", func() string { walkErr(err); return "" })
			_, _, err = data.Load("mnist", c.t.TempDir())
			c.ok("data.(*missingError).Error", "via Load's error", func() string { walkErr(err); return "" })
			c.ok("data.(*missingError).Is", "via Load's error", func() string {
				return ifNot(errors.Is(err, fs.ErrNotExist), "not fs.ErrNotExist: "+err.Error())
			})
		}},
	{names: []string{"data.(*counter).Read", "data.(*gunzip).Read", "data.(*input).Read", "data.(*input).Close",
		"data.(*keeper).Read", "data.(*keeper).Write"},
		run: func(c *checker) {
			for _, n := range []string{"data.(*counter).Read", "data.(*gunzip).Read", "data.(*input).Read", "data.(*input).Close",
				"data.(*keeper).Read", "data.(*keeper).Write"} {
				c.unreachable(n, "a reader or writer internal to the loaders; it never leaves the package")
			}
		}},
	{names: []string{"data.CIFARTrainFiles", "data.DefaultDir", "data.OrderSource"}, run: func(c *checker) {
		c.ok("data.CIFARTrainFiles", "", func() string { return ifNot(len(data.CIFARTrainFiles()) > 0, "none") })
		c.ok("data.DefaultDir", "", func() string { _ = data.DefaultDir(); return "" })
		c.ok("data.OrderSource", "0", func() string { return ifNot(data.OrderSource(0) != nil, "nil") })
	}},
}
