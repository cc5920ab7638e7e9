package main

import "math"

// leastSquares returns the x that minimises ‖A·x − b‖₂ for the m×n matrix A
// (m ≥ n, full column rank; rows A[i]) by Householder's QR decomposition:
// for each column k a reflection H = I − 2·v·vᵀ/(vᵀv) zeroes the entries of
// column k below the diagonal, and is applied to the columns after it and
// to b; back substitution in the triangle R then solves R·x = (Qᵀb)[:n].
// Unlike the normal equations, this stays backward stable for the
// ill-conditioned monomial bases of fitErfcx. A and b are not modified.
func leastSquares(A [][]float64, b []float64) []float64 {
	m, n := len(A), len(A[0])
	a := make([][]float64, m)
	for i := range A {
		a[i] = append([]float64(nil), A[i]...)
	}
	y := append([]float64(nil), b...)
	v := make([]float64, m)
	for k := 0; k < n; k++ {
		var norm float64
		for i := k; i < m; i++ {
			norm = math.Hypot(norm, a[i][k])
		}
		if a[k][k] > 0 {
			norm = -norm // the sign that avoids cancellation in v[k]
		}
		for i := k; i < m; i++ {
			v[i] = a[i][k]
		}
		v[k] -= norm
		var vv float64
		for i := k; i < m; i++ {
			vv += v[i] * v[i]
		}
		if vv == 0 {
			continue
		}
		reflect := func(col func(i int) *float64) {
			var d float64
			for i := k; i < m; i++ {
				d += v[i] * *col(i)
			}
			d *= 2 / vv
			for i := k; i < m; i++ {
				*col(i) -= d * v[i]
			}
		}
		for j := k; j < n; j++ {
			reflect(func(i int) *float64 { return &a[i][j] })
		}
		reflect(func(i int) *float64 { return &y[i] })
	}
	x := make([]float64, n)
	for k := n - 1; k >= 0; k-- {
		s := y[k]
		for j := k + 1; j < n; j++ {
			s -= a[k][j] * x[j]
		}
		x[k] = s / a[k][k]
	}
	return x
}
