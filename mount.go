package chalice

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// mountHandler adapts an http.Handler to a view.
func mountHandler(h http.Handler) HandlerFunc {
	return func(ctx context.Context, req *Request) (any, error) {
		hr, err := req.HTTPRequest(ctx)
		if err != nil {
			return nil, BadRequestError("%v", err)
		}
		w := &responseRecorder{header: http.Header{}}
		h.ServeHTTP(w, hr)
		return w.response(), nil
	}
}

// HTTPRequest converts the request to a standard *http.Request (as a
// mounted http.Handler sees it).
func (r *Request) HTTPRequest(ctx context.Context) (*http.Request, error) {
	u := &url.URL{Path: r.URLPath}
	if raw, err := url.PathUnescape(r.URLPath); err == nil {
		u.Path, u.RawPath = raw, r.URLPath
		if u.RawPath == u.Path {
			u.RawPath = ""
		}
	}
	if len(r.Query) > 0 {
		u.RawQuery = url.Values(r.Query).Encode()
	}
	hr, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(r.RawBody))
	if err != nil {
		return nil, err
	}
	hr.URL = u
	hr.RequestURI = u.RequestURI()
	for k, vs := range r.Headers.multi {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	for k, v := range r.Headers.single {
		if _, ok := lookupFold(r.Headers.multi, k); !ok {
			hr.Header.Set(k, v)
		}
	}
	hr.Host = r.Headers.Get("host")
	hr.RemoteAddr = r.Context.SourceIP
	hr.ContentLength = int64(len(r.RawBody))
	for k, v := range r.URIParams {
		hr.SetPathValue(k, v)
	}
	return hr, nil
}

type responseRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseRecorder) Header() http.Header { return w.header }

func (w *responseRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *responseRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.header.Get("Content-Type") == "" && w.body.Len() == 0 {
		w.header.Set("Content-Type", http.DetectContentType(b))
	}
	return w.body.Write(b)
}

func (w *responseRecorder) response() *Response {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	r := &Response{StatusCode: w.status, Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}}
	for k, vs := range w.header {
		if len(vs) == 1 {
			r.Headers[k] = vs[0]
		} else if len(vs) > 1 {
			r.MultiValueHeaders[k] = vs
		}
	}
	body := w.body.Bytes()
	ct := strings.ToLower(w.header.Get("Content-Type"))
	if utf8.Valid(body) && !strings.HasPrefix(ct, "image/") && !strings.HasPrefix(ct, "audio/") && !strings.HasPrefix(ct, "video/") && ct != "application/octet-stream" {
		r.Body = string(body)
	} else {
		r.Body = body
	}
	return r
}
