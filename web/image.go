package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gen2brain/webp"
	"github.com/gochalice/chalice"
)

// DefaultImageCacheBytes bounds the converted-image cache by default.
const DefaultImageCacheBytes = 32 << 20

// MaxImagePixels bounds the size of a source image that Image decodes
// (a guard against decompression bombs in the served tree).
const MaxImagePixels = 40_000_000

// Image formats Image can serve.
const (
	TypeWebP = "image/webp"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
)

var sourceTypes = map[string]string{".png": TypePNG, ".jpg": TypeJPEG, ".jpeg": TypeJPEG, ".webp": TypeWebP}

// WebPBackend reports which libwebp the WebP encoder uses: "transpiled"
// (pure Go, always with -tags nodynamic) or "dynamic" (a system
// libwebp.so found through purego; only in dynamically linked binaries,
// i.e. with cgo, and when libwebp.so — the unversioned name — exists).
func WebPBackend() string {
	if webp.Dynamic() == nil {
		return "dynamic"
	}
	return "transpiled"
}

// ImageServer serves images negotiated by Accept (see Image).
type ImageServer struct {
	files *FileServer
	s     *settings
	cache *lru
}

// NewImageServer serves the images below root in fsys.
func NewImageServer(fsys fs.FS, root string, opts ...Option) *ImageServer {
	f := NewFileServer(fsys, root, opts...)
	return &ImageServer{files: f, s: f.s, cache: newLRU(f.s.cacheBytes)}
}

// Image returns a view serving the PNG/JPEG/WebP images below root in
// fsys, for a greedy route such as "/img/{path+}", in the format the
// request's Accept header prefers among WebP, the source's format and the
// other of PNG/JPEG (q-values honoured; ties go to WebP, then the source
// format). Responses carry Vary: Accept, an ETag per variant, the source's
// Last-Modified and Cache-Control, and answer 304 like Static. Converted
// images are kept in a bounded LRU (ImageCacheBytes). A request whose
// Accept rules out every format gets 406.
func Image(fsys fs.FS, root string, opts ...Option) chalice.HandlerFunc {
	return NewImageServer(fsys, root, opts...).Handle
}

// Handle is the chalice view (Image).
func (s *ImageServer) Handle(ctx context.Context, req *chalice.Request) (any, error) {
	raw, _ := greedyParam(req)
	return s.serve(ctx, req, raw), nil
}

// ServeHTTP serves an image like FileServer.ServeHTTP.
func (s *ImageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { serveHTTP(w, r, s.serve) }

// CacheStats returns the converted-image cache's entries, bytes, hits and
// misses.
func (s *ImageServer) CacheStats() (entries int, bytes, hits, misses int64) { return s.cache.stats() }

func (s *ImageServer) serve(ctx context.Context, req *chalice.Request, raw string) *chalice.Response {
	f := s.files
	if f.err != nil {
		return textResponse(http.StatusInternalServerError, f.err.Error())
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead && req.Method != "" {
		r := textResponse(http.StatusMethodNotAllowed, "Method Not Allowed")
		r.SetHeader("Allow", "GET, HEAD")
		return r
	}
	name, ok := cleanPath(raw)
	if !ok {
		return f.notFound(ctx, req)
	}
	srcType, ok := sourceTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return f.notFound(ctx, req)
	}
	meta, src, err := f.load(name, true)
	var tooBig *fileTooLargeError
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, errIsDir):
		return f.notFound(ctx, req)
	case errors.As(err, &tooBig):
		return textResponse(http.StatusInternalServerError, err.Error())
	case err != nil:
		return textResponse(http.StatusInternalServerError, "error reading image")
	}
	offers := []string{TypeWebP, srcType}
	switch srcType {
	case TypePNG:
		offers = append(offers, TypeJPEG)
	case TypeJPEG:
		offers = append(offers, TypePNG)
	default:
		offers = append(offers, TypePNG, TypeJPEG)
	}
	accept := req.Headers.Get("accept")
	chosen := Negotiate(accept, offers...)
	vary := map[string]string{"Vary": "Accept"}
	if chosen == "" {
		r := textResponse(http.StatusNotAcceptable, "Not Acceptable: this image is available as "+strings.Join(offers, ", "))
		r.SetHeader("Vary", "Accept")
		return r
	}
	policy := f.policy()
	v := Validators{ETag: s.variantETag(meta.etag, srcType, chosen), LastModified: meta.modTime}
	if NotModified(req, v) {
		return NotModifiedResponse(v, policy, vary)
	}
	body := src
	if chosen != srcType {
		body, err = s.convert(v.ETag, src, chosen)
		if err != nil {
			return textResponse(http.StatusInternalServerError, fmt.Sprintf("web: converting %s to %s: %v", name, chosen, err))
		}
	}
	resp := &chalice.Response{StatusCode: http.StatusOK, Headers: map[string]string{
		"Content-Type":           chosen,
		"Cache-Control":          policy.String(),
		"Vary":                   "Accept",
		"X-Content-Type-Options": "nosniff",
	}, Body: body}
	if req.Method == http.MethodHead {
		resp.SetHeader("Content-Length", strconv.Itoa(len(body)))
		resp.Body = []byte{}
	}
	v.Apply(resp)
	return resp
}

// variantETag derives the ETag of one encoding of a source from the
// source's content hash, the format and the encoder settings, so a 304
// needs no conversion.
func (s *ImageServer) variantETag(srcETag, srcType, typ string) string {
	if typ == srcType {
		return srcETag
	}
	key := fmt.Sprintf("%s|%s|webp:%d:%t|jpeg:%d", srcETag, typ, s.s.webpQuality, s.s.webpLossy, s.s.jpegQuality)
	sum := sha256.Sum256([]byte(key))
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

func (s *ImageServer) convert(key string, src []byte, typ string) ([]byte, error) {
	if b, ok := s.cache.get(key); ok {
		return b, nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return nil, fmt.Errorf("image is %dx%d, more than %d pixels", cfg.Width, cfg.Height, MaxImagePixels)
	}
	img, _, err := image.Decode(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	switch typ {
	case TypeWebP:
		err = webp.Encode(&buf, img, webp.Options{Quality: s.s.webpQuality, Lossless: !s.s.webpLossy, Method: webp.DefaultMethod})
	case TypePNG:
		err = png.Encode(&buf, img)
	case TypeJPEG:
		err = jpeg.Encode(&buf, flatten(img), &jpeg.Options{Quality: s.s.jpegQuality})
	default:
		err = fmt.Errorf("unsupported format %s", typ)
	}
	if err != nil {
		return nil, err
	}
	out := buf.Bytes()
	s.cache.add(key, out)
	return out, nil
}

// flatten composes an image with transparency over white, since JPEG has
// no alpha channel (image/jpeg would otherwise drop it, turning
// transparent areas into whatever colour they hide).
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, b, img, b.Min, draw.Over)
	return dst
}
