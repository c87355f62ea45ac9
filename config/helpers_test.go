package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// project writes a project with .chalice/config.json and extra files
// (paths relative to .chalice/) and loads it.
func project(t *testing.T, configJSON string, files map[string]string) *Config {
	t.Helper()
	dir := t.TempDir()
	chalice := filepath.Join(dir, ".chalice")
	if err := os.MkdirAll(chalice, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		p := filepath.Join(chalice, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("config.json", configJSON)
	for name, content := range files {
		write(name, content)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func mustParse(t *testing.T, configJSON string) *Config {
	t.Helper()
	c, err := Parse("/proj/.chalice/config.json", []byte(configJSON))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

// wantProblems checks that err holds exactly len(want) problems and that
// each want entry (a list of substrings) matches a distinct problem.
func wantProblems(t *testing.T, err error, want ...[]string) {
	t.Helper()
	probs := Problems(err)
	if len(probs) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(probs), len(want), err)
	}
	used := make([]bool, len(probs))
next:
	for _, subs := range want {
		for i, p := range probs {
			if used[i] {
				continue
			}
			if containsAll(p.Error(), subs) {
				used[i] = true
				continue next
			}
		}
		t.Errorf("no problem contains all of %q; problems:\n%v", subs, err)
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }
