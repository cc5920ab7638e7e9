package gemm

import (
	"runtime"
	"sync"
)

// problem is one call: C = α·op(A)·op(B) + β·C with op(A) m×k and op(B) k×n,
// all row-major; aT and bT say whether A and B are stored transposed, cT
// whether C is (element (i, j) at c[j·ldc+i]).
type problem[T float] struct {
	aT, bT, cT  bool
	m, n, k     int
	alpha, beta T
	a           []T
	lda         int
	b           []T
	ldb         int
	c           []T
	ldc         int
}

// minWork is the fewest multiply-adds worth a goroutine of their own.
const minWork = 1 << 18

// maxWorkers, when positive, overrides GOMAXPROCS as the most goroutines one
// product uses; tests set it.
var maxWorkers int

// solve computes the product, split over goroutines when it is large.
func (p *problem[T]) solve(kn *kernel[T]) {
	if p.alpha == 0 || p.k == 0 {
		p.scaleC()
		return
	}
	if p.bT && !p.aT && p.m <= kn.mr && kn.tileRows != nil {
		// A few rows of C from a transposed B: Cᵀ = B·Aᵀ reads B in place
		// and packs the few rows of A instead of all of B.
		t := p.transposed()
		p = &t
	}
	if kn.narrow != nil && p.n <= kn.narrow.nr {
		kn = kn.narrow
	}
	workers := runtime.GOMAXPROCS(0)
	if maxWorkers > 0 {
		workers = maxWorkers
	}
	if work := float64(p.m) * float64(p.n) * float64(p.k) / minWork; work < float64(workers) {
		workers = max(1, int(work))
	}
	// Splitting the rows of C makes every goroutine pack all of op(B), splitting
	// the columns read (and, transposed, pack) all of op(A): duplicate the
	// smaller.
	byRows := p.n <= p.m
	unit, units := kn.mr, ceilDiv(p.m, kn.mr)
	if !byRows {
		unit, units = kn.nr, ceilDiv(p.n, kn.nr)
	}
	workers = min(workers, units)
	if workers <= 1 {
		p.run(kn)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		// Parts start on whole tiles, so the tiles, and with them the order of
		// every sum, are those of the undivided product.
		lo, hi := units*w/workers*unit, units*(w+1)/workers*unit
		var part problem[T]
		if byRows {
			part = p.rows(lo, min(hi, p.m))
		} else {
			part = p.cols(lo, min(hi, p.n))
		}
		wg.Go(func() { part.run(kn) })
	}
	wg.Wait()
}

// transposed returns the problem Cᵀ = op(B)ᵀ·op(A)ᵀ + β·Cᵀ, the same one.
func (p *problem[T]) transposed() problem[T] {
	return problem[T]{aT: !p.bT, bT: !p.aT, cT: !p.cT, m: p.n, n: p.m, k: p.k, alpha: p.alpha,
		a: p.b, lda: p.ldb, b: p.a, ldb: p.lda, beta: p.beta, c: p.c, ldc: p.ldc}
}

// at returns the offset in c of element (i, j) of C.
func (p *problem[T]) at(i, j int) int {
	if p.cT {
		return j*p.ldc + i
	}
	return i*p.ldc + j
}

// rows returns the part of p that computes rows [lo, hi) of C.
func (p *problem[T]) rows(lo, hi int) problem[T] {
	q := *p
	q.m = hi - lo
	if p.aT {
		q.a = p.a[lo:]
	} else {
		q.a = p.a[lo*p.lda:]
	}
	q.c = p.c[p.at(lo, 0):]
	return q
}

// cols returns the part of p that computes columns [lo, hi) of C.
func (p *problem[T]) cols(lo, hi int) problem[T] {
	q := *p
	q.n = hi - lo
	if p.bT {
		q.b = p.b[lo*p.ldb:]
	} else {
		q.b = p.b[lo:]
	}
	q.c = p.c[p.at(0, lo):]
	return q
}

// scaleC sets C = β·C, writing zeros without reading C when β is zero.
func (p *problem[T]) scaleC() {
	if p.beta == 1 {
		return
	}
	for i := range p.m {
		row := p.c[i*p.ldc : i*p.ldc+p.n]
		if p.beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= p.beta
		}
	}
}

// run computes the product on the calling goroutine, block by block: the k
// range is cut into equal blocks of at most kn.kc, each block of op(B) is
// packed once and each block of op(A) once per block of op(B).
func (p *problem[T]) run(kn *kernel[T]) {
	ws := workspaces.Get().(*workspace)
	defer workspaces.Put(ws)
	kc := ceilDiv(p.k, ceilDiv(p.k, kn.kc))
	ncMax := min(kn.nc, ceilDiv(p.n, kn.nr)*kn.nr)
	mcMax := min(kn.mc, ceilDiv(p.m, kn.mr)*kn.mr)
	packedA, packedB, edge := buffers[T](ws, mcMax*kc, kc*ncMax, kn.mr*kn.nr)
	// Whole panels of an untransposed A are read where they lie when a kernel
	// can: gathering them would cost about as much as the products at small n.
	// So are those of an untransposed B when one row of tiles uses them.
	direct := !p.aT && kn.tileRows != nil
	directB := !p.bT && p.m <= kn.mr
	for jc := 0; jc < p.n; jc += kn.nc {
		nc := min(kn.nc, p.n-jc)
		for pc := 0; pc < p.k; pc += kc {
			kb := min(kc, p.k-pc)
			blk := block[T]{kc: kb, nc: nc, packed: packedA, packedB: packedB, ldc: p.ldc, cT: p.cT,
				alpha: p.alpha, beta: p.beta, edge: edge, lda: p.lda, ldb: p.ldb}
			if directB {
				blk.fullN = nc / kn.nr * kn.nr
				blk.b = p.b[pc*p.ldb+jc:]
			}
			packB(packedB[blk.fullN*kb:], p.bT, p.b, p.ldb, pc, kb, jc+blk.fullN, nc-blk.fullN, kn.nr, kn.copyB)
			if pc > 0 {
				blk.beta = 1 // later blocks add to the first
			}
			for ic := 0; ic < p.m; ic += kn.mc {
				blk.mc = min(kn.mc, p.m-ic)
				blk.c = p.c[p.at(ic, jc):]
				blk.full = 0
				if direct {
					blk.full = blk.mc / kn.mr * kn.mr
					blk.a = p.a[ic*p.lda+pc:]
				}
				packA(packedA[blk.full*kb:], p.aT, p.a, p.lda, ic+blk.full, blk.mc-blk.full, pc, kb, kn.mr, kn.copyA)
				blk.multiply(kn)
			}
		}
	}
}

// block is C[mc×nc] = α·A[mc×kc]·B[kc×nc] + β·C. The first full rows of A
// are read by tileRows from a, as stored with leading dimension lda, the
// first fullN columns of B from b, as stored with leading dimension ldb; the
// rest of both from packed panels. C is transposed when cT is set.
type block[T float] struct {
	cT          bool
	kc, mc, nc  int
	full, fullN int
	a           []T
	lda         int
	packed      []T
	b           []T
	ldb         int
	packedB     []T
	c           []T
	ldc         int
	alpha, beta T
	edge        []T // an mr×nr scratch tile
}

// multiply runs the micro-kernel over the tiles of the block, column of
// tiles by column of tiles so that one packed panel of B stays in L1.
func (blk *block[T]) multiply(kn *kernel[T]) {
	mr, nr, kc := kn.mr, kn.nr, blk.kc
	for jr := 0; jr < blk.nc; jr += nr {
		b, ldb := blk.packedB[jr*kc:(jr+nr)*kc], nr
		if jr < blk.fullN {
			b, ldb = blk.b[jr:][:(kc-1)*blk.ldb+nr], blk.ldb
		}
		cols := min(nr, blk.nc-jr)
		for ir := 0; ir < blk.mc; ir += mr {
			tile, a, lda := kn.tile, blk.packed[ir*kc:(ir+mr)*kc], mr
			if ir < blk.full {
				tile, a, lda = kn.tileRows, blk.a[ir*blk.lda:][:(mr-1)*blk.lda+kc], blk.lda
			}
			rows := min(mr, blk.mc-ir)
			if blk.cT {
				tile(kc, a, lda, b, ldb, blk.edge, nr, 1, 0)
				blk.merge(blk.c[jr*blk.ldc+ir:], rows, cols, nr)
				continue
			}
			c := blk.c[ir*blk.ldc+jr:]
			if rows == mr && cols == nr {
				tile(kc, a, lda, b, ldb, c, blk.ldc, blk.alpha, blk.beta)
				continue
			}
			tile(kc, a, lda, b, ldb, blk.edge, nr, 1, 0)
			blk.merge(c, rows, cols, nr)
		}
	}
}

// merge stores a partial tile from the scratch tile into C, or into Cᵀ.
func (blk *block[T]) merge(c []T, rows, cols, nr int) {
	if blk.cT {
		for i := range rows {
			for j, v := range blk.edge[i*nr : i*nr+cols] {
				d := &c[j*blk.ldc+i]
				if blk.beta == 0 {
					*d = blk.alpha * v
				} else {
					*d = blk.alpha*v + blk.beta**d
				}
			}
		}
		return
	}
	for i := range rows {
		src := blk.edge[i*nr : i*nr+cols]
		dst := c[i*blk.ldc : i*blk.ldc+cols]
		if blk.beta == 0 {
			for j, v := range src {
				dst[j] = blk.alpha * v
			}
			continue
		}
		for j, v := range src {
			dst[j] = blk.alpha*v + blk.beta*dst[j]
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
