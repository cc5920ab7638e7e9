package gemm

import (
	"sync"
	"unsafe"
)

// packA copies rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) into dst
// as panels of mr rows: panel q holds A[i0+q·mr+i, p0+p] at q·mr·kc + p·mr + i,
// with zeros for the rows past mc.
func packA[T float](dst []T, trans bool, a []T, lda, i0, mc, p0, kc, mr int) {
	for ir := 0; ir < mc; ir += mr {
		panel := dst[ir*kc : (ir+mr)*kc]
		rows := min(mr, mc-ir)
		if trans { // A[i,p] = a[p·lda+i]: each column of the panel is contiguous
			for p := range kc {
				src := a[(p0+p)*lda+i0+ir:][:rows]
				copy(panel[p*mr:p*mr+rows], src)
			}
		} else { // A[i,p] = a[i·lda+p]: each row of the panel is contiguous
			for i := range rows {
				src := a[(i0+ir+i)*lda+p0:][:kc]
				for p, v := range src {
					panel[p*mr+i] = v
				}
			}
		}
		if rows < mr {
			for p := range kc {
				clear(panel[p*mr+rows : p*mr+mr])
			}
		}
	}
}

// packB copies rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) into dst as
// panels of nr columns: panel q holds B[p0+p, j0+q·nr+j] at q·nr·kc + p·nr + j,
// with zeros for the columns past nc.
func packB[T float](dst []T, trans bool, b []T, ldb, p0, kc, j0, nc, nr int) {
	for jr := 0; jr < nc; jr += nr {
		panel := dst[jr*kc : (jr+nr)*kc]
		cols := min(nr, nc-jr)
		if trans { // B[p,j] = b[j·ldb+p]
			for j := range cols {
				src := b[(j0+jr+j)*ldb+p0:][:kc]
				for p, v := range src {
					panel[p*nr+j] = v
				}
			}
		} else { // B[p,j] = b[p·ldb+j]
			for p := range kc {
				src := b[(p0+p)*ldb+j0+jr:][:cols]
				copy(panel[p*nr:p*nr+cols], src)
			}
		}
		if cols < nr {
			for p := range kc {
				clear(panel[p*nr+cols : p*nr+nr])
			}
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
