package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// LockPath is the lock file of the state file at path.
func LockPath(path string) string { return path + ".lock" }

// Lock takes an OS file lock on <state file>.lock for the whole deploy or
// delete. The operating system drops it when the process ends, however it
// ends, so a killed deploy never leaves the stage locked; the file holds
// the holder's description for the error the next one prints, and is
// removed on release.
func (f *File) Lock(ctx context.Context, operation string) (Lock, error) {
	path := LockPath(f.Path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("locking the deployed state: %w", err)
	}
	for {
		fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("locking the deployed state: %w", err)
		}
		held, err := tryLock(fh)
		if err != nil {
			fh.Close()
			return nil, fmt.Errorf("locking the deployed state %s: %w", path, err)
		}
		if !held {
			b, _ := io.ReadAll(io.LimitReader(fh, 64<<10))
			fh.Close()
			info, ok := parseLockInfo(b)
			return nil, &LockedError{Location: path, Holder: info, Known: ok}
		}
		// The holder before us may have removed the file between our open
		// and our lock: then we locked an unlinked file; start again.
		if same, err := sameFile(fh, path); err != nil || !same {
			unlock(fh)
			fh.Close()
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("locking the deployed state %s: %w", path, err)
			}
			continue
		}
		if err := fh.Truncate(0); err == nil {
			_, _ = fh.WriteAt(newLockInfo(operation).marshal(), 0)
		}
		return &fileLock{fh: fh, path: path}, nil
	}
}

func sameFile(fh *os.File, path string) (bool, error) {
	a, err := fh.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

type fileLock struct {
	fh   *os.File
	path string
}

func (l *fileLock) Lost() error { return nil }

func (l *fileLock) Release(ctx context.Context) error {
	// Remove while still holding the lock, so nobody can lock the name
	// and then lose it to our removal.
	rerr := os.Remove(l.path)
	unlock(l.fh)
	cerr := l.fh.Close()
	if rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		return fmt.Errorf("releasing the deployed state lock %s: %w", l.path, rerr)
	}
	return cerr
}
