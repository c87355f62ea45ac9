package web_test

import (
	"context"
	"testing"

	"github.com/gochalice/chalice/web"
)

// BenchmarkRender is the per-invocation cost of rendering a page (layout +
// partial) of the test site.
func BenchmarkRender(b *testing.B) {
	m, err := web.New(site(b), web.BuildTime(buildTime))
	if err != nil {
		b.Fatal(err)
	}
	page := m.Pages()[0]
	for _, p := range m.Pages() {
		if p == "index.html" {
			page = p
		}
	}
	data := map[string]any{"Title": "Bench", "Items": []string{"a", "b", "c"}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Render(ctx, page, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTemplateETag is the cost of the template validator computed
// without rendering (what RenderCached does before deciding on a 304).
func BenchmarkTemplateETag(b *testing.B) {
	m, err := web.New(site(b), web.BuildTime(buildTime))
	if err != nil {
		b.Fatal(err)
	}
	data := map[string]any{"Title": "Bench", "Items": []string{"a", "b", "c"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.TemplateETag("index.html", data); err != nil {
			b.Fatal(err)
		}
	}
}
