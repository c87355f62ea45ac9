// Package deployzip builds the deployment package: the app's bootstrap
// binary in a deterministic zip (fixed timestamps and modes, so the same
// binary always gives the same bytes and the same CodeSha256), cached by
// content hash under .chalice/deployments/.
package deployzip

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// epoch is the timestamp of every entry (zip's earliest date, as Chalice).
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Entry is one file of the package.
type Entry struct {
	Name string // path inside the zip
	Data []byte
	Exec bool // mode 0755 instead of 0644
}

// Write writes a deterministic zip of entries (in the given order) to w.
func Write(w io.Writer, entries []Entry) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: epoch}
		h.CreatorVersion = 3 << 8 // Unix, so the mode bits are honoured
		mode := os.FileMode(0o644)
		if e.Exec {
			mode = 0o755
		}
		h.SetMode(mode)
		f, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("deployzip: adding %s: %w", e.Name, err)
		}
		if _, err := f.Write(e.Data); err != nil {
			return fmt.Errorf("deployzip: adding %s: %w", e.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("deployzip: %w", err)
	}
	return nil
}

// Package is a built deployment zip.
type Package struct {
	Path       string // the zip file
	SHA256     string // hex digest of the zip bytes
	CodeSha256 string // base64 digest, as Lambda reports CodeSha256
	Size       int64
	Cached     bool // reused from .chalice/deployments
}

// Build zips the bootstrap binary at binary into the cache directory
// (projectDir/.chalice/deployments/<sha256 of binary>-<arch>.zip), reusing
// an existing zip with the same key. The write is atomic.
func Build(projectDir, binary, arch string) (*Package, error) {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return nil, fmt.Errorf("deployzip: reading %s: %w", binary, err)
	}
	sum := sha256.Sum256(bin)
	dir := filepath.Join(projectDir, ".chalice", "deployments")
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.zip", hex.EncodeToString(sum[:16]), arch))
	if data, err := os.ReadFile(path); err == nil {
		p := describe(path, data)
		p.Cached = true
		return p, nil
	}
	var buf bytes.Buffer
	if err := Write(&buf, []Entry{{Name: "bootstrap", Data: bin, Exec: true}}); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("deployzip: %w", err)
	}
	if err := WriteFileAtomic(path, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return describe(path, buf.Bytes()), nil
}

func describe(path string, data []byte) *Package {
	sum := sha256.Sum256(data)
	return &Package{Path: path, SHA256: hex.EncodeToString(sum[:]), CodeSha256: base64.StdEncoding.EncodeToString(sum[:]), Size: int64(len(data))}
}

// WriteFileAtomic writes data to a temporary file in path's directory and
// renames it into place, so readers never see a half-written file.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
