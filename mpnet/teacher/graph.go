package teacher

import (
	"math/rand/v2"
	"slices"
)

// Support is the sparsity pattern of a Rows×Cols weight matrix in which
// every row holds exactly K non-zeros and every column exactly C, so that
// Rows·K = Cols·C: the adjacency of a biregular bipartite graph
// (EXPERIMENTS §III.1). The columns of row r are Idx[r·K : (r+1)·K], in
// increasing order and without repetition.
//
// A Support is read-only once built; weights on it are stored in the same
// order as Idx (slot r·K + k holds the weight of row r, column Idx[r·K+k]).
type Support struct {
	Rows, Cols int
	K, C       int // non-zeros per row and per column
	Idx        []int
}

// Row returns the columns of row r (a view, read-only); nil if there is no
// row r.
func (s *Support) Row(r int) []int {
	if s == nil || r < 0 || r >= s.Rows || s.K < 0 || (r+1)*s.K > len(s.Idx) {
		return nil
	}
	return s.Idx[r*s.K : (r+1)*s.K]
}

// Has reports whether (r, c) is in the support.
func (s *Support) Has(r, c int) bool {
	if s == nil {
		return false
	}
	return slices.Contains(s.Row(r), c)
}

// repairSweeps bounds the random swaps Biregular may spend repairing the
// stub matching: that many times the number of edges.
const repairSweeps = 200

// Biregular draws a random Rows×Cols support with K non-zeros per row and
// C = Rows·K/Cols per column, without repeated edges and, when avoid is not
// nil, without any edge of avoid (the extra edges of a student that contains
// a teacher, EXPERIMENTS §III.2).
//
// Method: the configuration model. Row r owns the stubs r·K … r·K+K−1, the
// Cols·C column stubs are shuffled and matched to them in order; an edge that
// repeats another edge of its row or lies in avoid is then repaired by
// swapping its column with that of a uniformly drawn other edge whenever the
// swap leaves both edges valid. Every degree is kept exactly. The result is
// random but not exactly uniform over simple biregular graphs.
//
// It returns a *FieldError for sizes below 1, K > Cols, Rows·K not divisible
// by Cols, or degrees that cannot fit beside avoid, and ErrGraph when the
// repair does not finish within repairSweeps·Rows·K swaps (only for nearly
// complete graphs).
func Biregular(rows, cols, k int, avoid *Support, rng *rand.Rand) (*Support, error) {
	c, err := checkBiregular(rows, cols, k, avoid)
	if err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, invalid("rng", nil, "want a random source")
	}
	n := rows * k
	col := make([]int, 0, n)
	for j := 0; j < cols; j++ {
		for range c {
			col = append(col, j)
		}
	}
	rng.Shuffle(n, func(a, b int) { col[a], col[b] = col[b], col[a] })
	// valid reports whether column v may sit at edge e (row e/k) given the
	// other edges of that row, skipping edge skip.
	valid := func(e, v, skip int) bool {
		r := e / k
		for f := r * k; f < (r+1)*k; f++ {
			if f != e && f != skip && col[f] == v {
				return false
			}
		}
		return !avoid.Has(r, v)
	}
	budget := repairSweeps * n
	for e := 0; e < n; e++ {
		for !valid(e, col[e], -1) {
			if budget == 0 {
				return nil, ErrGraph
			}
			budget--
			f := rng.IntN(n)
			if f/k == e/k {
				continue
			}
			if valid(e, col[f], -1) && valid(f, col[e], -1) {
				col[e], col[f] = col[f], col[e]
			}
		}
	}
	for r := 0; r < rows; r++ {
		slices.Sort(col[r*k : (r+1)*k])
	}
	return &Support{Rows: rows, Cols: cols, K: k, C: c, Idx: col}, nil
}

func checkBiregular(rows, cols, k int, avoid *Support) (int, error) {
	switch {
	case rows < 1:
		return 0, invalid("rows", rows, "want ≥ 1")
	case cols < 1:
		return 0, invalid("columns", cols, "want ≥ 1")
	case k < 1 || k > cols:
		return 0, invalid("non-zeros per row", k, "want 1 ≤ K ≤ %d (the number of columns)", cols)
	case rows*k%cols != 0:
		return 0, invalid("non-zeros per row", k, "rows·K = %d·%d is not a multiple of the %d columns, so no biregular graph exists", rows, k, cols)
	}
	c := rows * k / cols
	if avoid != nil {
		if avoid.Rows != rows || avoid.Cols != cols {
			return 0, invalid("avoid", avoid.Rows*avoid.Cols, "shape %d×%d, want %d×%d", avoid.Rows, avoid.Cols, rows, cols)
		}
		if k+avoid.K > cols || c+avoid.C > rows {
			return 0, invalid("non-zeros per row", k, "%d extra non-zeros per row and %d per column do not fit beside %d and %d in a %d×%d matrix",
				k, c, avoid.K, avoid.C, rows, cols)
		}
	}
	return c, nil
}

// union returns the support holding the edges of a and b (disjoint, same shape).
func union(a, b *Support) *Support {
	k := a.K + b.K
	u := &Support{Rows: a.Rows, Cols: a.Cols, K: k, C: a.C + b.C, Idx: make([]int, 0, a.Rows*k)}
	for r := 0; r < a.Rows; r++ {
		row := append(append([]int(nil), a.Row(r)...), b.Row(r)...)
		slices.Sort(row)
		u.Idx = append(u.Idx, row...)
	}
	return u
}
