package apitest

import (
	"math"

	"github.com/fbpgo/fbp/mpnet/teacher"
)

// tp is the table's prefix of package mpnet/teacher.
const tp = "mpnet/teacher."

// smallTeacher is a 4-4-2 teacher with 2 non-zeros per row.
func smallTeacher() *teacher.Teacher {
	t, err := teacher.New(teacher.Config{NIn: 4, NHidden: 4, NOut: 2, KIn: 2, KOut: 2}, rng())
	if err != nil {
		panic(err)
	}
	return t
}

var teacherCases = []apiCase{
	errorCase("mpnet/teacher", "FieldError", &teacher.FieldError{}, (*teacher.FieldError)(nil), true),
	{names: []string{tp + "New", tp + "Config.Validate", tp + "Biregular", tp + "(*Teacher).Generate"}, run: func(c *checker) {
		for what, cfg := range map[string]teacher.Config{"zero": {}, "negative": {NIn: -1, NHidden: -1, NOut: -1, KIn: -1, KOut: -1},
			"huge":           {NIn: math.MaxInt, NHidden: math.MaxInt, NOut: 1, KIn: 2, KOut: 2},
			"NaN activation": {NIn: 4, NHidden: 4, NOut: 2, KIn: 2, KOut: 2, Act: teacher.Tanh{B: nan}}} {
			c.err(tp+"Config.Validate", what, cfg.Validate)
			c.err(tp+"New", what, func() error { _, err := teacher.New(cfg, rng()); return err })
		}
		c.err(tp+"New", "nil rng", func() error {
			_, err := teacher.New(teacher.Config{NIn: 4, NHidden: 4, NOut: 2, KIn: 2, KOut: 2}, nilRng)
			return err
		})
		for _, a := range [][3]int{{-1, -1, -1}, {4, 6, 7}, {4, 6, 0}, {math.MaxInt, math.MaxInt, 2}} {
			c.err(tp+"Biregular", "bad sizes", func() error { _, err := teacher.Biregular(a[0], a[1], a[2], nil, rng()); return err })
		}
		c.err(tp+"Biregular", "nil rng", func() error { _, err := teacher.Biregular(4, 6, 3, nil, nilRng); return err })
		t := smallTeacher()
		for _, m := range []int{-1, 0, math.MaxInt} {
			c.err(tp+"(*Teacher).Generate", "m out of range", func() error { _, err := t.Generate(m, rng()); return err })
		}
		c.err(tp+"(*Teacher).Generate", "nil rng", func() error { _, err := t.Generate(3, nilRng); return err })
		for what, z := range map[string]*teacher.Teacher{"nil": nil, "zero": {}} {
			c.err(tp+"(*Teacher).Generate", what+" teacher", func() error { _, err := z.Generate(3, rng()); return err })
		}
	}},
	{names: []string{tp + "BayesStudent", tp + "MismatchedStudent", tp + "(*Teacher).WrongFraction",
		tp + "(*Teacher).TopologyError", tp + "(*Student).GenError", tp + "Infer"}, run: func(c *checker) {
		t := smallTeacher()
		c.ok(tp+"BayesStudent", "nil teacher", func() string { return ifNot(teacher.BayesStudent(nil) == nil, "a student") })
		c.err(tp+"MismatchedStudent", "nil teacher", func() error { _, err := teacher.MismatchedStudent(nil, 3, 3, rng()); return err })
		c.err(tp+"MismatchedStudent", "degrees below the teacher's", func() error {
			_, err := teacher.MismatchedStudent(t, -1, 1, rng())
			return err
		})
		c.err(tp+"MismatchedStudent", "nil rng", func() error { _, err := teacher.MismatchedStudent(t, 3, 2, nilRng); return err })
		st := teacher.BayesStudent(t)
		d, err := t.Generate(4, rng())
		if err != nil {
			c.t.Fatal(err)
		}
		for what, s := range map[string]*teacher.Student{"nil": nil, "zero": {}, "Bayes": st} {
			c.ok(tp+"(*Teacher).WrongFraction", what+" student, short weights", func() string {
				return ifNot(math.IsNaN(t.WrongFraction(s, []int8{1}, nil)), "not NaN")
			})
			c.ok(tp+"(*Teacher).TopologyError", what+" student, short weights", func() string {
				return ifNot(math.IsNaN(t.TopologyError(s, nil, []int8{1})), "not NaN")
			})
			c.ok(tp+"(*Student).GenError", what+" student, short weights", func() string {
				return ifNot(math.IsNaN(s.GenError(nil, nil, d)), "not NaN")
			})
			c.err(tp+"Infer", what+" student, nil data", func() error { _, err := teacher.Infer(s, nil, nil); return err })
		}
		for what, z := range map[string]*teacher.Teacher{"nil": nil, "zero": {}} {
			c.ok(tp+"(*Teacher).WrongFraction", what+" teacher", func() string {
				return ifNot(math.IsNaN(z.WrongFraction(st, t.WIn, t.WOut)), "not NaN")
			})
			c.ok(tp+"(*Teacher).TopologyError", what+" teacher", func() string {
				return ifNot(math.IsNaN(z.TopologyError(st, t.WIn, t.WOut)), "not NaN")
			})
		}
		c.ok(tp+"(*Student).GenError", "nil test", func() string { return ifNot(math.IsNaN(st.GenError(t.WIn, t.WOut, nil)), "not NaN") })
		c.err(tp+"Infer", "bad settings", func() error {
			_, err := teacher.Infer(st, d, &teacher.Settings{Damping: nan, MaxIter: -1})
			return err
		})
		c.err(tp+"Infer", "data of another shape", func() error {
			_, err := teacher.Infer(st, &teacher.Data{M: 1, NIn: 3, NOut: 1, X: []int8{1}, Y: []float64{nan}}, nil)
			return err
		})
	}},
	{names: []string{tp + "(*Data).Slice", tp + "(*Support).Row", tp + "(*Support).Has", tp + "(*Settings).Validate"}, run: func(c *checker) {
		t := smallTeacher()
		d, err := t.Generate(4, rng())
		if err != nil {
			c.t.Fatal(err)
		}
		for _, b := range [][2]int{{-1, 2}, {3, 1}, {0, 5}, {math.MaxInt, math.MaxInt}} {
			c.ok(tp+"(*Data).Slice", "bounds out of range", func() string { return ifNot(d.Slice(b[0], b[1]) == nil, "a slice") })
		}
		c.ok(tp+"(*Data).Slice", "nil data", func() string { return ifNot((*teacher.Data)(nil).Slice(0, 0) == nil, "a slice") })
		for _, r := range []int{-1, 4, math.MaxInt} {
			c.ok(tp+"(*Support).Row", "r out of range", func() string { return ifNot(t.In.Row(r) == nil, "a row") })
			c.ok(tp+"(*Support).Has", "r out of range", func() string { return ifNot(!t.In.Has(r, 0), "has") })
		}
		c.ok(tp+"(*Support).Row", "nil support", func() string { return ifNot((*teacher.Support)(nil).Row(0) == nil, "a row") })
		c.nilErr(tp+"(*Settings).Validate", "nil (the zero Settings)", (*teacher.Settings)(nil).Validate)
		c.err(tp+"(*Settings).Validate", "NaN damping", (&teacher.Settings{Damping: nan}).Validate)
	}},
	{names: []string{tp + "Tanh.Eval", tp + "Tanh.String", tp + "Tanh.Validate", tp + "LeakyReLU.Eval",
		tp + "LeakyReLU.String", tp + "LeakyReLU.Validate", tp + "Algorithm.String", tp + "Mode.String", tp + "Status.String"},
		run: func(c *checker) {
			for _, x := range []float64{nan, inf, -inf} {
				c.ok(tp+"Tanh.Eval", "NaN, ±Inf", func() string { _ = teacher.Tanh{B: x}.Eval(x); return "" })
				c.ok(tp+"LeakyReLU.Eval", "NaN, ±Inf", func() string { _ = teacher.LeakyReLU{A: x}.Eval(x); return "" })
				c.ok(tp+"Tanh.String", "NaN, ±Inf", func() string { return ifNot(teacher.Tanh{B: x}.String() != "", "empty") })
				c.ok(tp+"LeakyReLU.String", "NaN, ±Inf", func() string { return ifNot(teacher.LeakyReLU{A: x}.String() != "", "empty") })
				c.err(tp+"Tanh.Validate", "NaN, ±Inf", teacher.Tanh{B: x}.Validate)
				c.err(tp+"LeakyReLU.Validate", "NaN, ±Inf", teacher.LeakyReLU{A: x}.Validate)
			}
			for _, v := range []int{-1, 99} {
				c.ok(tp+"Algorithm.String", "out of range", func() string { return ifNot(teacher.Algorithm(v).String() != "", "empty") })
				c.ok(tp+"Mode.String", "out of range", func() string { return ifNot(teacher.Mode(v).String() != "", "empty") })
				c.ok(tp+"Status.String", "out of range", func() string { return ifNot(teacher.Status(v).String() != "", "empty") })
			}
		}},
}
