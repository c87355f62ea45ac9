package web_test

import (
	"bytes"
	"embed"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"
)

//go:embed all:testdata/site
var embedded embed.FS

// site is the embedded test site (templates/, static/, secret.txt).
func site(t testing.TB) fs.FS {
	t.Helper()
	sub, err := fs.Sub(embedded, "testdata/site")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

var buildTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testImage is a 64x48 gradient with a transparent corner.
func testImage() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			a := uint8(255)
			if x < 8 && y < 8 {
				a = 0
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 4), uint8(y * 5), 128, a})
		}
	}
	return img
}

// imageFS holds img/photo.png, img/photo.jpg and secret.txt outside img/.
func imageFS(t testing.TB) fstest.MapFS {
	t.Helper()
	var p, j bytes.Buffer
	if err := png.Encode(&p, testImage()); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&j, testImage(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	return fstest.MapFS{
		"img/photo.png": {Data: p.Bytes(), ModTime: mod},
		"img/photo.jpg": {Data: j.Bytes(), ModTime: mod},
		"img/notes.txt": {Data: []byte("not an image"), ModTime: mod},
		"secret.txt":    {Data: []byte("TOP SECRET"), ModTime: mod},
	}
}
