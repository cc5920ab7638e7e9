package testutil

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"github.com/fbpgo/fbp/data"
)

// UpdateGolden rewrites the golden fixtures instead of comparing with them:
// go test ./pasp ./compare ./examples/fbp -run Golden -update-golden.
var UpdateGolden = flag.Bool("update-golden", false, "rewrite the golden fixtures under testdata/golden")

// Golden is a set of named float64 vectors recorded by a test (the final
// state of a run) and compared bit for bit with a committed fixture. The
// values are stored as base64 of their little-endian IEEE-754 bits, so the
// file holds every bit exactly.
type Golden map[string][]float64

// Add records v under name (a copy).
func (g Golden) Add(name string, v ...float64) {
	g[name] = append(g[name], v...)
}

type goldenFile map[string]string

// GoldenPath returns the path of fixture name under the module's
// testdata/golden, from a test running in a package dir levels below the
// module root.
func GoldenPath(levels int, name string) string {
	p := []string{}
	for range levels {
		p = append(p, "..")
	}
	return filepath.Join(append(p, "testdata", "golden", name)...)
}

// CheckGolden compares g with the fixture at path, or writes it when
// UpdateGolden is set. It returns one message per differing entry: its name,
// the number of differing values, the first one and the largest relative
// difference (tol 0 demands identical bits; tol > 0 accepts RelErr ≤ tol).
func CheckGolden(path string, g Golden, tol float64) ([]string, error) {
	if *UpdateGolden {
		f := goldenFile{}
		for k, v := range g {
			b := make([]byte, 8*len(v))
			for i, x := range v {
				binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
			}
			f[k] = base64.StdEncoding.EncodeToString(b)
		}
		out, err := json.MarshalIndent(f, "", " ")
		if err != nil {
			return nil, err
		}
		return nil, os.WriteFile(path, append(out, '\n'), 0o644)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f goldenFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var msgs []string
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	for k := range g {
		if _, ok := f[k]; !ok {
			msgs = append(msgs, fmt.Sprintf("%s: not in the fixture", k))
		}
	}
	sort.Strings(names)
	for _, k := range names {
		b, err := base64.StdEncoding.DecodeString(f[k])
		if err != nil || len(b)%8 != 0 {
			return nil, fmt.Errorf("%s: entry %s is corrupt", path, k)
		}
		got, ok := g[k]
		if !ok {
			msgs = append(msgs, fmt.Sprintf("%s: missing from the run", k))
			continue
		}
		if len(got) != len(b)/8 {
			msgs = append(msgs, fmt.Sprintf("%s: %d values, fixture has %d", k, len(got), len(b)/8))
			continue
		}
		bad, first, worst := 0, -1, 0.0
		for i, x := range got {
			w := math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
			if Identical(x, w) {
				continue
			}
			e := RelErr(x, w)
			if tol > 0 && e <= tol {
				continue
			}
			if first < 0 {
				first = i
			}
			bad++
			worst = math.Max(worst, e)
		}
		if bad > 0 {
			w := math.Float64frombits(binary.LittleEndian.Uint64(b[8*first:]))
			msgs = append(msgs, fmt.Sprintf("%s: %d of %d values differ; first [%d] = %v, want %v; max rel. diff %.3g", k, bad, len(got), first, got[first], w, worst))
		}
	}
	return msgs, nil
}

// LinearTeacherSet returns M samples of N standard Gaussian features drawn
// from rand.NewPCG(seed, stream), labelled by a random linear teacher drawn
// first from the same source: ±1 labels (sign of the score, +1 at 0) for
// classes = 2, else the class of the first maximal score.
func LinearTeacherSet(M, N, classes int, seed, stream uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, stream))
	out := classes
	if classes == 2 {
		out = 1
	}
	w := make([]float64, out*N)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	s := &data.Set{X: make([]float64, M*N), Y: make([]int, M), M: M, N: N, Classes: classes, Name: "golden"}
	for i := range s.X {
		s.X[i] = rng.NormFloat64()
	}
	for n := 0; n < M; n++ {
		best, arg := 0.0, 0
		for k := 0; k < out; k++ {
			z := 0.0
			for i := 0; i < N; i++ {
				z += w[k*N+i] * s.X[n*N+i]
			}
			if k == 0 || z > best {
				best, arg = z, k
			}
		}
		s.Y[n] = arg
		if classes == 2 {
			s.Y[n] = 1
			if best < 0 {
				s.Y[n] = -1
			}
		}
	}
	return s
}
