package plots

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg/vgimg"
)

// colourPixels counts the pixels of img in the columns [x0, x1) that are
// close to c.
func colourPixels(img image.Image, c color.Color, x0, x1 int) int {
	r0, g0, b0, _ := c.RGBA()
	near := func(a, b uint32) bool { return a/257 <= b/257+40 && b/257 <= a/257+40 }
	n := 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := max(x0, bd.Min.X); x < min(x1, bd.Max.X); x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r, r0) && near(g, g0) && near(b, b0) {
				n++
			}
		}
	}
	return n
}

// TestSingleEpochVisible saves a plot of two one-point curves (a
// comparison of one epoch) and checks that each point shows in the axes as
// a glyph of its colour, and that the legend stands to the right of the
// axes, beyond Width, with an entry in each colour.
func TestSingleEpochVisible(t *testing.T) {
	p := New("one epoch", "epoch", "test error (%)")
	for i, y := range []float64{20, 30} {
		if err := Line(p, []string{"bpi", "binarynet"}[i], plotter.XYs{{X: 1, Y: y}}, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := Line(p, "empty", nil, 2, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "curves.png")
	if err := Save(p, path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	axes := int(Width.Dots(vgimg.DefaultDPI))
	if img.Bounds().Dx() <= axes {
		t.Fatalf("image %d px wide, want the legend beyond the %d px of the axes", img.Bounds().Dx(), axes)
	}
	for i := range 2 {
		c := plotutil.Color(i)
		if n := colourPixels(img, c, 0, axes); n < 10 {
			t.Errorf("curve %d: %d pixels of its colour in the axes, want a visible glyph", i, n)
		}
		if n := colourPixels(img, c, axes, img.Bounds().Max.X); n < 5 {
			t.Errorf("curve %d: %d pixels of its colour in the legend, want its entry", i, n)
		}
	}
	if n := colourPixels(img, plotutil.Color(2), 0, img.Bounds().Max.X); n != 0 {
		t.Errorf("an empty curve drew %d pixels", n)
	}
}

// TestSaveErrors checks that an unknown format and an unwritable path are
// errors naming the file.
func TestSaveErrors(t *testing.T) {
	p := New("t", "x", "y")
	for _, path := range []string{filepath.Join(t.TempDir(), "plot.xyz"), filepath.Join(t.TempDir(), "missing", "plot.png")} {
		if err := Save(p, path); err == nil {
			t.Errorf("Save(%s) = nil, want an error", path)
		}
	}
}
