package ops

// cavityGVec is cavityG with the row kernel cav (see bpi_vec.go for the
// prepared rows and the accuracy): for every (k, i) it evaluates the B
// cavity output functions g(Btop[k,n], ω[k,n] − mcav[k,i,n]·x̂cav[k,i,n],
// V[k,n]) in one call. prep is the op's scratch, grown as needed.
func cavityGVec[T Float](cav cavGRowFunc[T], dst, btop, omega, v, mcav []T, xcav cavX[T], prep *[]T, K, N, B int) {
	bp := padded(B)
	rowLen := cavStreams * bp
	*prep = grow(*prep, K*rowLen)
	rows := *prep
	bpiPrep(rows, omega, v, btop, K, B, bp)
	parallelFor(K, N*B*4, func(lo, hi int) {
		buf := make([]T, 3*bp) // padded copies when B is not a multiple of vecPad
		xp, mp, gp := buf[:bp], buf[bp:2*bp], buf[2*bp:]
		for k := lo; k < hi; k++ {
			x, row := xcav.at(k), rows[k*rowLen:(k+1)*rowLen]
			for i := 0; i < N; i++ {
				j := (k*N + i) * B
				if B == bp {
					cav(x[i*B:(i+1)*B], mcav[j:j+B], row, dst[j:j+B], bp)
					continue
				}
				copy(xp, x[i*B:(i+1)*B])
				copy(mp, mcav[j:j+B])
				cav(xp, mp, row, gp, bp)
				copy(dst[j:j+B], gp)
			}
		}
	})
}
