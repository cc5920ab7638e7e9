package apitest

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
)

// apiCase exercises some entry points of the public API with hostile
// arguments.
type apiCase struct {
	// names are the entry points the case calls, spelled as exportedAPI
	// spells them. Every one must be called by run.
	names []string
	// run calls the entry points through the checker.
	run func(c *checker)
	// runNilSafe is the run of an error type's case whose nil pointer
	// answers (nilSafe).
	runNilSafe func(c *checker)
}

// cases returns the table: the cases of every package.
func cases() []apiCase {
	var all []apiCase
	for _, part := range [][]apiCase{
		trainCases, paspCases, mpnetCases, dataCases, solverCases, opsCases, opsPredictCases, compareCases, experimentsCases,
		committeeCases, teacherCases,
	} {
		all = append(all, part...)
	}
	return all
}

// checker runs the calls of one case and records the names they exercise.
type checker struct {
	t      *testing.T
	called map[string]bool
}

// call runs f, the call of entry point name, and fails the test if it
// panics.
func (c *checker) call(name, what string, f func()) (panicked bool) {
	c.t.Helper()
	c.called[name] = true
	defer func() {
		if p := recover(); p != nil {
			panicked = true
			c.t.Errorf("%s(%s) panics: %v\n%s", name, what, p, stack())
		}
	}()
	f()
	return false
}

// err requires an error from f, the call of entry point name with the
// arguments described by what.
func (c *checker) err(name, what string, f func() error) {
	c.t.Helper()
	var err error
	if c.call(name, what, func() { err = f() }) {
		return
	}
	if err == nil {
		c.t.Errorf("%s(%s): no error", name, what)
	}
}

// ok requires that f, the call of entry point name, neither panics nor
// fails: the documented behaviour for these arguments is a result, which
// f checks itself (returning a description of what is wrong, or "").
func (c *checker) ok(name, what string, f func() string) {
	c.t.Helper()
	var bad string
	if c.call(name, what, func() { bad = f() }) {
		return
	}
	if bad != "" {
		c.t.Errorf("%s(%s): %s", name, what, bad)
	}
}

// unreachable records that entry point name cannot be called from outside
// its package in this build, and why (a method of an unexported type that
// only a GPU run hands out, say). The reason is logged.
func (c *checker) unreachable(name, why string) {
	c.t.Helper()
	c.called[name] = true
	c.t.Logf("%s: not callable here: %s", name, why)
}

// mayPanic runs f, the call of entry point name, which is documented to
// be allowed to panic for these arguments (a programmer error, for the
// reason given): a panic is logged, not failed.
func (c *checker) mayPanic(name, what, reason string, f func()) {
	c.t.Helper()
	c.called[name] = true
	defer func() {
		if p := recover(); p != nil {
			c.t.Logf("%s(%s) panics, as documented (%s)", name, what, reason)
		}
	}()
	f()
}

// nilErr requires that f returns no error (a documented no-op).
func (c *checker) nilErr(name, what string, f func() error) {
	c.t.Helper()
	c.ok(name, what, func() string {
		if err := f(); err != nil {
			return fmt.Sprintf("unexpected error %v", err)
		}
		return ""
	})
}

// stack returns the frames of a recovered panic below the panic call: where
// it happened.
func stack() string {
	lines := strings.Split(string(debug.Stack()), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			lines = lines[i+1 : min(i+7, len(lines))]
			break
		}
	}
	return strings.Join(lines, "\n")
}

// panics requires that f, the call of entry point name, panics: a
// programmer error that Go's conventions keep, for the reason given.
func (c *checker) panics(name, what, reason string, f func()) {
	c.t.Helper()
	c.called[name] = true
	defer func() {
		if recover() == nil {
			c.t.Errorf("%s(%s): no panic, but the table says it panics because %s", name, what, reason)
		}
	}()
	f()
}

// pending are the packages whose cases are still to be written, with why:
// their entry points are listed by the test, not failed. Remove a package
// from here once its cases are in the table.
var pending = map[string]string{}

// pkgOf returns the package part of an entry point name.
func pkgOf(name string) string {
	if i := strings.IndexAny(name, ".("); i >= 0 {
		return name[:i]
	}
	return name
}

// TestEveryEntryPointHasACase fails for every exported function or method
// without a case, and for every case naming one that does not exist.
func TestEveryEntryPointHasACase(t *testing.T) {
	api := exportedAPI(t)
	have := map[string]bool{}
	for _, n := range api {
		have[n] = true
	}
	covered := map[string]bool{}
	for _, c := range cases() {
		for _, n := range c.names {
			if covered[n] {
				t.Errorf("%s has two cases", n)
			}
			covered[n] = true
			if !have[n] {
				t.Errorf("the table has a case for %s, which is not an exported entry point", n)
			}
		}
	}
	var missing []string
	for _, n := range api {
		if !covered[n] {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	waiting := 0
	for _, n := range missing {
		if why, ok := pending[pkgOf(n)]; ok {
			waiting++
			t.Logf("pending (%s): %s", why, n)
			continue
		}
		t.Errorf("no hostile-input case for the exported %s: add one to the table of internal/apitest", n)
	}
	if waiting > 0 {
		t.Logf("%d entry points of the pending packages have no case yet", waiting)
	}
	t.Logf("%d exported entry points, %d with a case", len(api), len(covered))
}

// TestHostileInput runs every case: no entry point may panic, and each
// gives an error or its documented result.
func TestHostileInput(t *testing.T) {
	for _, tc := range cases() {
		name := tc.names[0]
		if len(tc.names) > 1 {
			name += fmt.Sprintf("+%d", len(tc.names)-1)
		}
		t.Run(name, func(t *testing.T) {
			c := &checker{t: t, called: map[string]bool{}}
			tc.run(c)
			for _, n := range tc.names {
				if !c.called[n] {
					t.Errorf("the case of %s does not call it", n)
				}
			}
		})
	}
}
