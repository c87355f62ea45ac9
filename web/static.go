package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gochalice/chalice"
)

// LambdaPayloadLimit is Lambda's limit for a synchronous response (the
// whole proxy response JSON), which binds before API Gateway's 10 MB.
const LambdaPayloadLimit = 6 << 20

// DefaultMaxFileSize is the largest file served by default: a binary body
// is base64-encoded (4/3 larger) inside the proxy response, so this leaves
// 64 KiB for headers and the JSON envelope under LambdaPayloadLimit.
const DefaultMaxFileSize = (LambdaPayloadLimit - 64<<10) / 4 * 3

// contentTypes are the types used for common web extensions whatever the
// machine's mime tables say: Lambda's images have no /etc/mime.types, so
// mime.TypeByExtension knows far fewer types there than on a workstation.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
	".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
	".json": "application/json", ".map": "application/json", ".webmanifest": "application/manifest+json",
	".txt": "text/plain; charset=utf-8", ".xml": "application/xml", ".csv": "text/csv; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
	".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
	".pdf": "application/pdf", ".wasm": "application/wasm", ".zip": "application/zip",
	".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".wav": "audio/wav",
}

// ContentType returns the Content-Type for a file name: the built-in table
// of web types first (identical locally and on Lambda), then the mime
// package, then content sniffing of head (may be nil), then
// application/octet-stream.
func ContentType(name string, head []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if ct, ok := contentTypes[ext]; ok {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	if len(head) > 0 {
		return http.DetectContentType(head)
	}
	return "application/octet-stream"
}

// cleanPath turns a raw (possibly percent-encoded) path below the static
// root into an fs.FS name, or reports false for anything that could
// address a file outside the root or a hidden file: "..", ".", empty
// segments, absolute paths, backslashes, NUL, encoded slashes,
// backslashes or NUL, invalid escapes and dot-files.
func cleanPath(raw string) (string, bool) {
	if raw == "" || strings.ContainsAny(raw, "\\\x00") {
		return "", false
	}
	lower := strings.ToLower(raw)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(lower, "%00") {
		return "", false
	}
	name, err := url.PathUnescape(raw)
	if err != nil || strings.ContainsAny(name, "\\\x00") || !fs.ValidPath(name) || name == "." {
		return "", false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	return name, true
}

// greedyParam returns the value of the route's greedy parameter
// ({name+}), or of "proxy"/"path", or of the only parameter.
func greedyParam(req *chalice.Request) (string, bool) {
	if i := strings.LastIndex(req.Path, "{"); i >= 0 {
		if j := strings.Index(req.Path[i:], "+}"); j > 0 {
			if v, ok := req.URIParams[req.Path[i+1:i+j]]; ok {
				return v, true
			}
		}
	}
	for _, k := range []string{"proxy", "path"} {
		if v, ok := req.URIParams[k]; ok {
			return v, true
		}
	}
	if len(req.URIParams) == 1 {
		for _, v := range req.URIParams {
			return v, true
		}
	}
	return "", false
}

// hashedName matches "dir/name.<8 hex>.ext".
var hashedName = regexp.MustCompile(`^(.*)\.([0-9a-f]{8})(\.[A-Za-z0-9]+)$`)

// fileMeta is what the server remembers about a file between requests.
type fileMeta struct {
	modTime time.Time
	size    int64
	etag    string
	hash8   string
	ctype   string
}

// FileServer serves the files of an fs.FS (see Static).
type FileServer struct {
	fsys fs.FS
	s    *settings
	err  error

	mu   sync.Mutex
	meta map[string]*fileMeta
}

// NewFileServer serves the files below root in fsys. A bad root is
// reported by every request (500) and by Err.
func NewFileServer(fsys fs.FS, root string, opts ...Option) *FileServer {
	f := &FileServer{s: newSettings(opts), meta: map[string]*fileMeta{}}
	f.fsys, f.err = subFS(fsys, root)
	return f
}

func subFS(fsys fs.FS, root string) (fs.FS, error) {
	if fsys == nil {
		return nil, errors.New("web: nil fs.FS")
	}
	root = strings.Trim(root, "/")
	if root == "" || root == "." {
		return fsys, nil
	}
	sub, err := fs.Sub(fsys, root)
	if err != nil {
		return nil, fmt.Errorf("web: static root %q: %w", root, err)
	}
	return sub, nil
}

// Err reports a configuration error (bad root).
func (f *FileServer) Err() error { return f.err }

// Static returns a view serving the files below root in fsys, for a greedy
// route such as "/static/{path+}":
//
//	app.Get("/static/{path+}", web.Static(site, "static"), chalice.Name("static"))
//
// Responses carry a Content-Type by extension, a strong ETag (content
// hash), Last-Modified (the file's ModTime, or BuildTime for embed.FS),
// Cache-Control (Cache, default ShortLived) and answer 304 to matching
// If-None-Match / If-Modified-Since. Bodies are []byte, so the runtime
// base64-encodes those with a binary Content-Type (see Configure). Paths
// that are not a plain relative path inside root answer 404.
// "name.<hash8>.ext" serves name.ext as immutable when hash8 is its
// content hash (see FileServer.AssetPath).
func Static(fsys fs.FS, root string, opts ...Option) chalice.HandlerFunc {
	return NewFileServer(fsys, root, opts...).Handle
}

// Handle is the chalice view (Static).
func (f *FileServer) Handle(ctx context.Context, req *chalice.Request) (any, error) {
	raw, _ := greedyParam(req)
	return f.serve(ctx, req, raw), nil
}

// ServeHTTP serves the file named by the request path, for app.Mount and
// plain net/http: the mounted route's {proxy+} value when there is one,
// else the URL path without its leading "/" (wrap it in http.StripPrefix
// to remove a prefix).
func (f *FileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { serveHTTP(w, r, f.serve) }

// serveHTTP adapts a serve function (request, raw relative path) to
// net/http: the path is the mounted route's {proxy+} value when there is
// one, else the URL path without its leading "/".
func serveHTTP(w http.ResponseWriter, r *http.Request, serve func(context.Context, *chalice.Request, string) *chalice.Response) {
	raw := r.PathValue("proxy")
	if raw == "" {
		raw = strings.TrimPrefix(r.URL.EscapedPath(), "/")
	}
	req := &chalice.Request{Method: r.Method, Headers: chalice.NewHeaders(nil, r.Header), URLPath: r.URL.EscapedPath()}
	writeResponse(w, serve(r.Context(), req, raw))
}

// writeResponse writes a chalice response to a ResponseWriter.
func writeResponse(w http.ResponseWriter, resp *chalice.Response) {
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	switch b := resp.Body.(type) {
	case []byte:
		_, _ = w.Write(b)
	case string:
		_, _ = w.Write([]byte(b))
	}
}

func (f *FileServer) policy() CachePolicy {
	if f.s.policy != nil {
		return *f.s.policy
	}
	return ShortLived
}

func (f *FileServer) notFound(ctx context.Context, req *chalice.Request) *chalice.Response {
	if f.s.notFound != nil {
		if r := f.s.notFound(ctx, req); r != nil {
			return r
		}
	}
	return textResponse(http.StatusNotFound, "Not Found")
}

func textResponse(status int, msg string) *chalice.Response {
	return &chalice.Response{StatusCode: status, Headers: map[string]string{
		"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff",
	}, Body: msg}
}

func (f *FileServer) serve(ctx context.Context, req *chalice.Request, raw string) *chalice.Response {
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
	policy := f.policy()
	meta, body, err := f.load(name, req.Method != http.MethodHead)
	if errors.Is(err, fs.ErrNotExist) {
		// name.<hash8>.ext: the content-hashed URL of name.ext.
		m := hashedName.FindStringSubmatch(name)
		if m == nil {
			return f.notFound(ctx, req)
		}
		meta, body, err = f.load(m[1]+m[3], req.Method != http.MethodHead)
		if err == nil && meta.hash8 != m[2] {
			return f.notFound(ctx, req)
		}
		policy = ImmutableAsset
	}
	var tooBig *fileTooLargeError
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, errIsDir):
		return f.notFound(ctx, req)
	case errors.As(err, &tooBig):
		return textResponse(http.StatusInternalServerError, err.Error())
	case err != nil:
		return textResponse(http.StatusInternalServerError, "error reading static file")
	}
	v := Validators{ETag: meta.etag, LastModified: meta.modTime}
	if NotModified(req, v) {
		return NotModifiedResponse(v, policy, nil)
	}
	resp := &chalice.Response{StatusCode: http.StatusOK, Headers: map[string]string{
		"Content-Type":           meta.ctype,
		"Cache-Control":          policy.String(),
		"X-Content-Type-Options": "nosniff",
	}, Body: body}
	if req.Method == http.MethodHead {
		resp.Body = []byte{}
		resp.SetHeader("Content-Length", strconv.FormatInt(meta.size, 10))
	}
	v.Apply(resp)
	return resp
}

var errIsDir = errors.New("is a directory")

type fileTooLargeError struct {
	name      string
	size, max int64
}

func (e *fileTooLargeError) Error() string {
	return fmt.Sprintf("web: %s is %d bytes, more than the %d a Lambda response can carry once base64-encoded; serve it from S3/CloudFront", e.name, e.size, e.max)
}

// load returns name's metadata and, when withBody, its content. The
// content hash is computed once per (name, size, modTime).
func (f *FileServer) load(name string, withBody bool) (*fileMeta, []byte, error) {
	st, err := fs.Stat(f.fsys, name)
	if err != nil {
		return nil, nil, err
	}
	if st.IsDir() {
		return nil, nil, errIsDir
	}
	if f.s.maxSize > 0 && st.Size() > f.s.maxSize {
		return nil, nil, &fileTooLargeError{name, st.Size(), f.s.maxSize}
	}
	mod := st.ModTime()
	if mod.IsZero() {
		mod = f.s.modTime
	}
	mod = mod.UTC().Truncate(time.Second)
	f.mu.Lock()
	meta := f.meta[name]
	f.mu.Unlock()
	if meta != nil && meta.size == st.Size() && meta.modTime.Equal(mod) && !withBody {
		return meta, nil, nil
	}
	body, err := fs.ReadFile(f.fsys, name)
	if err != nil {
		return nil, nil, err
	}
	if meta == nil || meta.size != int64(len(body)) || !meta.modTime.Equal(mod) {
		sum := sha256.Sum256(body)
		meta = &fileMeta{
			modTime: mod, size: int64(len(body)),
			etag:  `"` + hex.EncodeToString(sum[:16]) + `"`,
			hash8: hex.EncodeToString(sum[:4]),
			ctype: ContentType(name, body),
		}
		f.mu.Lock()
		f.meta[name] = meta
		f.mu.Unlock()
	}
	return meta, body, nil
}

// AssetPath returns the content-hashed name of a file below the root:
// "css/site.css" -> "css/site.1a2b3c4d.css" (the first 8 hex digits of
// its SHA-256). The server answers that name with the file and
// ImmutableAsset caching as long as the content matches.
func (f *FileServer) AssetPath(name string) (string, error) {
	if f.err != nil {
		return "", f.err
	}
	clean, ok := cleanPath(name)
	if !ok {
		return "", fmt.Errorf("web: invalid asset name %q", name)
	}
	meta, _, err := f.load(clean, false)
	if err != nil {
		return "", fmt.Errorf("web: asset %s: %w", name, err)
	}
	ext := path.Ext(clean)
	return strings.TrimSuffix(clean, ext) + "." + meta.hash8 + ext, nil
}
