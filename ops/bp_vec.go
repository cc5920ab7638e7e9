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

// cavityMagVec is cavityMag with the vector tanh kernel tk: the cavity
// fields of a row of B points are formed in a block on the stack, turned
// into tanh there, then damped and masked into dst (which may be mcav).
func cavityMagVec[T Float](tk rowFunc[T], dst, mcav, h, gcav []T, xcav cavX[T], mask []T, psi T, K, N, B int) {
	parallelFor(K, N*B*4, func(lo, hi int) {
		buf := getScratch[T]()
		defer putScratch(buf)
		for k := lo; k < hi; k++ {
			x := xcav.at(k)
			for i := 0; i < N; i++ {
				hki, mk := h[k*N+i], mask[k*N+i]
				for n0 := 0; n0 < B; n0 += tanhChunk {
					r := (k*N+i)*B + n0
					t := buf[:min(tanhChunk, B-n0)]
					g, xi := gcav[r:r+len(t)], x[i*B+n0:i*B+n0+len(t)]
					for n := range t {
						t[n] = hki - g[n]*xi[n]
					}
					tanhVec(tk, t, t)
					d, mc := dst[r:r+len(t)], mcav[r:r+len(t)]
					for n, tn := range t {
						d[n] = (psi*mc[n] + (1-psi)*tn) * mk
					}
				}
			}
		}
	})
}

// signChanChunk is the block of elements signChannelVec prepares at a time
// (a multiple of vecPad).
const signChanChunk = 256

// signChannelVec is signChannel with the BP cavity kernel cav: the output
// function of a cavity point at m·x̂ = 0 is that of the channel itself, so
// each block of elements is prepared as one row (bpiPrep) and evaluated
// with zero weights and inputs.
func signChannelVec[T Float](cav cavGRowFunc[T], dst, btop, omega, v []T) {
	buf := getScratch[T]()
	defer putScratch(buf)
	prep, zero, g := buf[:cavStreams*signChanChunk], buf[cavStreams*signChanChunk:(cavStreams+1)*signChanChunk], buf[(cavStreams+1)*signChanChunk:]
	clear(zero)
	for lo := 0; lo < len(dst); lo += signChanChunk {
		c := min(signChanChunk, len(dst)-lo)
		bp := padded(c)
		row := prep[:cavStreams*bp]
		bpiPrep(row, omega[lo:lo+c], v[lo:lo+c], btop[lo:lo+c], 1, c, bp)
		cav(zero[:bp], zero[:bp], row, g[:bp], bp)
		copy(dst[lo:lo+c], g[:c])
	}
}
