package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/gochalice/chalice"
)

// Templates layout: below the template directory, files in layouts/ and
// partials/ (at any depth) are shared by every page; every other file is
// a page. Each template is named by its path relative to the directory
// ("index.html", "layouts/base.html", "partials/nav.html"), and each page
// is parsed together with all shared files, so a page can fill blocks of
// a layout:
//
//	layouts/base.html: <html><body>{{template "partials/nav.html" .}}{{block "content" .}}{{end}}</body></html>
//	index.html:        {{template "layouts/base.html" .}}{{define "content"}}<h1>{{.Title}}</h1>{{end}}
const (
	layoutsDir  = "layouts"
	partialsDir = "partials"
)

// ErrNoTemplate is returned by Render for an unknown page.
var ErrNoTemplate = errors.New("web: no such template")

// Manager is the content manager of a site: templates, static files and
// the URLs between them (chalice-http-toolkit's ContentManager).
type Manager struct {
	s      *settings
	static *FileServer

	pages     map[string]*template.Template
	pageHash  map[string][32]byte // hash of a page's source and every shared source
	names     []string
	staticMu  sync.Once
	staticSum [32]byte
}

// New returns the content manager of the site in fsys. Templates come from
// Templates(...) or else fsys's "templates" directory when it exists;
// static files from StaticDir (default "static") when it exists. Template
// parse errors are returned here, not at the first request.
//
// Every template can use the functions "asset" (AssetURL) and "url"
// (BasePath + a path), besides those given with Funcs.
func New(fsys fs.FS, opts ...Option) (*Manager, error) {
	s := newSettings(opts)
	m := &Manager{s: s, pages: map[string]*template.Template{}, pageHash: map[string][32]byte{}}
	if fsys != nil && s.staticDir != "" {
		if st, err := fs.Stat(fsys, strings.Trim(s.staticDir, "/")); err == nil && st.IsDir() {
			m.static = NewFileServer(fsys, s.staticDir, opts...)
			if m.static.s.notFound == nil {
				m.static.s.notFound = m.NotFound // the site's 404 page
			}
		}
	}
	if !s.tmplSet && fsys != nil {
		if st, err := fs.Stat(fsys, "templates"); err == nil && st.IsDir() {
			s.tmplFS, s.tmplDir = fsys, "templates"
		}
	}
	if s.tmplFS != nil {
		if err := m.load(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// MustNew is New that panics on error, for package-level initialisation.
func MustNew(fsys fs.FS, opts ...Option) *Manager {
	m, err := New(fsys, opts...)
	if err != nil {
		panic(err)
	}
	return m
}

type source struct {
	name string
	text []byte
}

func (m *Manager) funcs() template.FuncMap {
	fm := template.FuncMap{
		"asset": m.AssetURL,
		"url":   func(p string) string { return m.s.basePath + p },
	}
	for k, v := range m.s.funcs {
		fm[k] = v
	}
	return fm
}

func (m *Manager) load() error {
	dir := strings.Trim(m.s.tmplDir, "/")
	if dir == "" {
		dir = "."
	}
	root, err := fs.Sub(m.s.tmplFS, dir)
	if err != nil {
		return fmt.Errorf("web: templates %q: %w", m.s.tmplDir, err)
	}
	var shared, pages []source
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(path.Base(p), ".") {
			return nil
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		src := source{p, b}
		if isShared(p) {
			shared = append(shared, src)
		} else {
			pages = append(pages, src)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("web: reading templates %q: %w", m.s.tmplDir, err)
	}
	base := template.New("").Funcs(m.funcs())
	sh := sha256.New()
	for _, src := range shared { // WalkDir order is lexical: deterministic
		if _, err := base.New(src.name).Parse(string(src.text)); err != nil {
			return fmt.Errorf("web: template %s: %w", src.name, err)
		}
		writeSource(sh, src)
	}
	sharedSum := sh.Sum(nil)
	for _, src := range pages {
		t, err := base.Clone()
		if err != nil {
			return fmt.Errorf("web: template %s: %w", src.name, err)
		}
		if _, err := t.New(src.name).Parse(string(src.text)); err != nil {
			return fmt.Errorf("web: template %s: %w", src.name, err)
		}
		m.pages[src.name] = t
		ph := sha256.New()
		ph.Write(sharedSum)
		writeSource(ph, src)
		m.pageHash[src.name] = [32]byte(ph.Sum(nil))
		m.names = append(m.names, src.name)
	}
	return nil
}

func isShared(p string) bool {
	for seg := range strings.SplitSeq(path.Dir(p), "/") {
		if seg == layoutsDir || seg == partialsDir {
			return true
		}
	}
	return false
}

// writeSource hashes a name and text unambiguously (length-prefixed).
func writeSource(h interface{ Write([]byte) (int, error) }, src source) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(src.name)))
	h.Write(n[:])
	h.Write([]byte(src.name))
	binary.BigEndian.PutUint64(n[:], uint64(len(src.text)))
	h.Write(n[:])
	h.Write(src.text)
}

// Pages returns the names of the page templates, sorted.
func (m *Manager) Pages() []string { return slices.Clone(m.names) }

// Files returns the static file server, or nil when there is no static
// directory.
func (m *Manager) Files() *FileServer { return m.static }

// Static returns the view serving the static directory (see Static); it
// answers 404 when there is none.
func (m *Manager) Static() chalice.HandlerFunc {
	if m.static == nil {
		return func(ctx context.Context, req *chalice.Request) (any, error) { return m.NotFound(ctx, req), nil }
	}
	return m.static.Handle
}

// AssetURL returns the content-hashed URL of a static file:
// "css/site.css" -> BasePath + StaticPrefix + "/css/site.<hash8>.css",
// served with ImmutableAsset caching. When the file does not exist it
// returns the unhashed URL (which will 404), so a typo shows up in the
// browser rather than as a template error.
func (m *Manager) AssetURL(name string) string {
	prefix := m.s.basePath + strings.TrimRight(m.s.staticPrefix, "/") + "/"
	if m.static == nil {
		return prefix + strings.TrimPrefix(name, "/")
	}
	hashed, err := m.static.AssetPath(strings.TrimPrefix(name, "/"))
	if err != nil {
		return prefix + strings.TrimPrefix(name, "/")
	}
	return prefix + hashed
}

// Render executes the page template name with data and returns it as a
// 200 text/html; charset=utf-8 response. The page is rendered completely
// before anything is returned, so a template error never produces half a
// page. An unknown name wraps ErrNoTemplate.
func (m *Manager) Render(ctx context.Context, name string, data any) (*chalice.Response, error) {
	return m.RenderStatus(ctx, http.StatusOK, name, data)
}

// RenderStatus is Render with another status code (404 pages...).
func (m *Manager) RenderStatus(ctx context.Context, status int, name string, data any) (*chalice.Response, error) {
	n := name
	t := m.pages[n]
	if t == nil {
		return nil, fmt.Errorf("%w: %q (pages: %s)", ErrNoTemplate, n, strings.Join(m.names, ", "))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, n, data); err != nil {
		return nil, fmt.Errorf("web: rendering %s: %w", n, err)
	}
	return &chalice.Response{StatusCode: status, Headers: map[string]string{
		"Content-Type": "text/html; charset=utf-8",
	}, Body: buf.String()}, nil
}

// TemplateETag returns a strong ETag for what Render(name, data) would
// produce, without rendering: a hash of the page's template source, every
// layout and partial, the content hashes of the static files (asset URLs
// appear in pages), the Version option and the JSON encoding of data
// (encoding/json sorts map keys, so it is stable).
//
// The page's output must depend only on those: data whose rendering uses
// methods or unexported fields should implement json.Marshaler, and
// template functions must be deterministic (no clocks).
func (m *Manager) TemplateETag(name string, data any) (string, error) {
	ph, ok := m.pageHash[name]
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrNoTemplate, name)
	}
	enc, err := json.Marshal(data)
	if err != nil {
		return "", fmt.Errorf("web: template ETag of %s: data is not JSON-encodable: %w", name, err)
	}
	h := sha256.New()
	h.Write(ph[:])
	st := m.staticHash()
	h.Write(st[:])
	writeSource(h, source{"version", []byte(m.s.version + "\x00" + m.s.basePath)})
	writeSource(h, source{"data", enc})
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`, nil
}

// staticHash hashes the content of every static file, once per process.
func (m *Manager) staticHash() [32]byte {
	m.staticMu.Do(func() {
		if m.static == nil || m.static.err != nil {
			return
		}
		h := sha256.New()
		_ = fs.WalkDir(m.static.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if b, err := fs.ReadFile(m.static.fsys, p); err == nil {
				writeSource(h, source{p, b})
			}
			return nil
		})
		m.staticSum = [32]byte(h.Sum(nil))
	})
	return m.staticSum
}

// RenderCached renders a page for CloudFront and browsers: it computes
// TemplateETag first and answers 304 Not Modified without rendering when
// the request's If-None-Match matches; otherwise it renders and adds the
// ETag and policy's Cache-Control (use Revalidate, or a policy with
// SMaxAge for CloudFront). Data that cannot be JSON-encoded is rendered
// uncached (Cache-Control: no-cache, no ETag).
func (m *Manager) RenderCached(ctx context.Context, req *chalice.Request, name string, data any, policy CachePolicy) (*chalice.Response, error) {
	etag, err := m.TemplateETag(name, data)
	if errors.Is(err, ErrNoTemplate) {
		return nil, err
	}
	if err != nil {
		resp, rerr := m.Render(ctx, name, data)
		if rerr != nil {
			return nil, rerr
		}
		resp.SetHeader("Cache-Control", "no-cache")
		return resp, nil
	}
	v := Validators{ETag: etag}
	if NotModified(req, v) {
		return NotModifiedResponse(v, policy, nil), nil
	}
	resp, err := m.Render(ctx, name, data)
	if err != nil {
		return nil, err
	}
	v.Apply(resp)
	resp.SetHeader("Cache-Control", policy.String())
	return resp, nil
}

// NotFound returns the site's 404 response: the page "404.html" rendered
// with {"Path": the requested path} when it exists, else a plain text
// "Not Found".
func (m *Manager) NotFound(ctx context.Context, req *chalice.Request) *chalice.Response {
	if _, ok := m.pages["404.html"]; ok {
		p := ""
		if req != nil {
			p = req.URLPath
		}
		if resp, err := m.RenderStatus(ctx, http.StatusNotFound, "404.html", map[string]any{"Path": p}); err == nil {
			resp.SetHeader("Cache-Control", "no-cache")
			return resp
		}
	}
	return textResponse(http.StatusNotFound, "Not Found")
}

// NotFoundHandler is a view answering NotFound, for a catch-all route:
//
//	app.Route("/{path+}", site.NotFoundHandler(), chalice.Name("not_found"))
//
// (Without one, API Gateway answers unknown paths with its own 403
// {"message":"Missing Authentication Token"}.)
func (m *Manager) NotFoundHandler() chalice.HandlerFunc {
	return func(ctx context.Context, req *chalice.Request) (any, error) { return m.NotFound(ctx, req), nil }
}

// JSON returns v as a JSON response (application/json) with status.
func JSON(status int, v any) (*chalice.Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("web: encoding JSON response: %w", err)
	}
	return &chalice.Response{StatusCode: status, Headers: map[string]string{
		"Content-Type": "application/json",
	}, Body: json.RawMessage(b)}, nil
}

// Redirect returns a redirect to location (a path or absolute URL) with
// status: 301, 302 (the default when status is 0), 303, 307 or 308.
func Redirect(location string, status int) *chalice.Response {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		status = http.StatusFound
	}
	return &chalice.Response{StatusCode: status, Headers: map[string]string{
		"Location": location, "Cache-Control": "no-cache",
	}, Body: ""}
}
