package gemm

import (
	"sync"
	"unsafe"
)

// packA copies rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) into dst
// as panels of mr rows: panel q holds A[i0+q·mr+i, p0+p] at q·mr·kc + p·mr + i,
// with zeros for the rows past mc. fast, where not nil, copies rows of mr
// values.
func packA[T float](dst []T, trans bool, a []T, lda, i0, mc, p0, kc, mr int, fast rowCopier) {
	for ir := 0; ir < mc; ir += mr {
		panel := dst[ir*kc : (ir+mr)*kc]
		rows := min(mr, mc-ir)
		if trans { // A[i,p] = a[p·lda+i]: each column of the panel is contiguous
			copyRows(panel, mr, a[p0*lda+i0+ir:], lda, rows, kc, fast)
		} else { // A[i,p] = a[i·lda+p]: each row of the panel is contiguous
			gather(panel, mr, a[(i0+ir)*lda+p0:], lda, rows, kc)
		}
	}
}

// packB copies rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) into dst as
// panels of nr columns: panel q holds B[p0+p, j0+q·nr+j] at q·nr·kc + p·nr + j,
// with zeros for the columns past nc. fast, where not nil, copies rows of nr
// values.
func packB[T float](dst []T, trans bool, b []T, ldb, p0, kc, j0, nc, nr int, fast rowCopier) {
	for jr := 0; jr < nc; jr += nr {
		panel := dst[jr*kc : (jr+nr)*kc]
		cols := min(nr, nc-jr)
		if trans { // B[p,j] = b[j·ldb+p]
			gather(panel, nr, b[(j0+jr)*ldb+p0:], ldb, cols, kc)
		} else { // B[p,j] = b[p·ldb+j]
			copyRows(panel, nr, b[p0*ldb+j0+jr:], ldb, cols, kc, fast)
		}
	}
}

// copyRows sets dst[p·w+i] = src[p·lds+i] for p < kc and i < w, with zeros
// for i ≥ count: kc rows of count contiguous values each. fast, where not
// nil, copies rows of exactly w values.
func copyRows[T float](dst []T, w int, src []T, lds, count, kc int, fast rowCopier) {
	if count == w && fast != nil && kc > 0 {
		var zero T
		size := int(unsafe.Sizeof(zero))
		d, s := dst[:kc*w], src[:(kc-1)*lds+w]
		fast((*byte)(unsafe.Pointer(&d[0])), (*byte)(unsafe.Pointer(&s[0])), lds*size, kc)
		return
	}
	for p := range kc {
		d := dst[p*w : p*w+w]
		copy(d, src[p*lds:p*lds+count])
		clear(d[count:])
	}
}

// rowCopier copies rows rows, lds bytes apart at src, to consecutive rows at
// dst; the row width is fixed by the implementation.
type rowCopier func(dst, src *byte, lds, rows int)

// gather sets dst[p·w+i] = src[i·lds+p] for p < kc and i < w, with zeros for
// i ≥ count: it transposes count rows of kc contiguous values, four at a time.
func gather[T float](dst []T, w int, src []T, lds, count, kc int) {
	dst = dst[:kc*w]
	i := 0
	for ; i+4 <= count; i += 4 {
		r0 := src[i*lds:][:kc]
		r1 := src[(i+1)*lds:][:len(r0)]
		r2 := src[(i+2)*lds:][:len(r0)]
		r3 := src[(i+3)*lds:][:len(r0)]
		for p, v := range r0 {
			d := dst[p*w+i:][:4]
			d[0], d[1], d[2], d[3] = v, r1[p], r2[p], r3[p]
		}
	}
	for ; i < count; i++ {
		for p, v := range src[i*lds:][:kc] {
			dst[p*w+i] = v
		}
	}
	if count < w {
		for p := range kc {
			clear(dst[p*w+count : p*w+w])
		}
	}
}

// workspace holds one goroutine's packing buffers between calls.
type workspace struct {
	f64 []float64
	f32 []float32
}

var workspaces = sync.Pool{New: func() any { return new(workspace) }}

// align is the alignment of the packed panels in bytes: one cache line.
const align = 64

// buffers returns three disjoint cache-line-aligned slices of ws with
// lengths na, nb and ne, growing ws when it is too small.
func buffers[T float](ws *workspace, na, nb, ne int) (a, b, e []T) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	pad := align / size
	na, nb = ceilDiv(na, pad)*pad, ceilDiv(nb, pad)*pad
	need := na + nb + ne + pad
	var s []T
	switch any(zero).(type) {
	case float64:
		if len(ws.f64) < need {
			ws.f64 = make([]float64, need)
		}
		s = any(ws.f64).([]T)
	case float32:
		if len(ws.f32) < need {
			ws.f32 = make([]float32, need)
		}
		s = any(ws.f32).([]T)
	}
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))%align) / size
	if off > 0 {
		s = s[pad-off:]
	}
	return s[:na:na], s[na : na+nb : na+nb], s[na+nb : na+nb+ne]
}
