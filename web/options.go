package web

import (
	"context"
	"html/template"
	"io/fs"
	"time"

	"github.com/gochalice/chalice"
)

// Option configures New, Static, NewFileServer and Image. Each ignores the
// settings that do not concern it.
type Option func(*settings)

type settings struct {
	tmplFS       fs.FS
	tmplDir      string
	tmplSet      bool
	staticDir    string
	staticPrefix string
	basePath     string
	funcs        template.FuncMap
	modTime      time.Time
	policy       *CachePolicy
	maxSize      int64
	notFound     func(ctx context.Context, req *chalice.Request) *chalice.Response
	version      string

	// images
	webpQuality int
	webpLossy   bool
	jpegQuality int
	cacheBytes  int64
}

func newSettings(opts []Option) *settings {
	s := &settings{
		staticDir:    "static",
		staticPrefix: "/static",
		maxSize:      DefaultMaxFileSize,
		webpQuality:  80,
		webpLossy:    true,
		jpegQuality:  85,
		cacheBytes:   DefaultImageCacheBytes,
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// Templates loads the templates from dir in fsys (New's default is
// Templates(fsys, "templates") when that directory exists).
func Templates(fsys fs.FS, dir string) Option {
	return func(s *settings) { s.tmplFS, s.tmplDir, s.tmplSet = fsys, dir, true }
}

// Funcs adds template functions (before the templates are parsed).
func Funcs(fm template.FuncMap) Option {
	return func(s *settings) {
		if s.funcs == nil {
			s.funcs = template.FuncMap{}
		}
		for k, v := range fm {
			s.funcs[k] = v
		}
	}
}

// StaticDir is the directory of New's fs.FS holding static files (default
// "static").
func StaticDir(dir string) Option { return func(s *settings) { s.staticDir = dir } }

// StaticPrefix is the URL path the static route is registered under
// (default "/static"), used by AssetURL.
func StaticPrefix(prefix string) Option { return func(s *settings) { s.staticPrefix = prefix } }

// BasePath is prepended to every URL the manager generates (AssetURL, the
// "asset" and "url" template functions), for sites served under a path
// prefix, e.g. "/api" when browsing the execute-api endpoint directly.
func BasePath(p string) Option { return func(s *settings) { s.basePath = p } }

// BuildTime is the Last-Modified time of files whose fs.FileInfo has no
// modification time, as every file of an embed.FS. Without it such files
// carry only an ETag.
func BuildTime(t time.Time) Option {
	return func(s *settings) { s.modTime = t.UTC().Truncate(time.Second) }
}

// Cache sets the Cache-Control policy of static files and images whose URL
// carries no content hash (default ShortLived: public, one hour).
func Cache(p CachePolicy) Option { return func(s *settings) { s.policy = &p } }

// MaxFileSize bounds the files served (default DefaultMaxFileSize): larger
// ones are answered with a 500 naming the limit, locally as on Lambda.
func MaxFileSize(n int64) Option { return func(s *settings) { s.maxSize = n } }

// NotFoundWith replaces the 404 response of the static and image handlers.
func NotFoundWith(f func(ctx context.Context, req *chalice.Request) *chalice.Response) Option {
	return func(s *settings) { s.notFound = f }
}

// Version salts template ETags (RenderCached): change it to invalidate
// every cached page at once, e.g. with the release number.
func Version(v string) Option { return func(s *settings) { s.version = v } }

// WebPQuality sets the lossy WebP quality (1..100, default 80).
func WebPQuality(q int) Option { return func(s *settings) { s.webpQuality = q } }

// WebPLossless makes Image encode lossless WebP.
func WebPLossless() Option { return func(s *settings) { s.webpLossy = false } }

// JPEGQuality sets the JPEG quality (1..100, default 85).
func JPEGQuality(q int) Option { return func(s *settings) { s.jpegQuality = q } }

// ImageCacheBytes bounds the in-memory cache of converted images (default
// DefaultImageCacheBytes; 0 disables it).
func ImageCacheBytes(n int64) Option { return func(s *settings) { s.cacheBytes = n } }
