package local

import (
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// notifyMask is what inotify reports: anything that can change a file the
// build reads, or the set of directories.
const notifyMask = syscall.IN_CREATE | syscall.IN_DELETE | syscall.IN_MODIFY | syscall.IN_CLOSE_WRITE |
	syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO | syscall.IN_ATTRIB | syscall.IN_DELETE_SELF

// watchChanges reports, on the returned channel, soon after something
// changes in the project tree under dir (the directories fingerprint
// reads; directories created later are watched too). It uses inotify, so
// a save is seen at once instead of at the next poll. The channel holds at
// most one pending signal; the watch ends with ctx.
func watchChanges(ctx context.Context, dir string) (<-chan struct{}, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("inotify: %w", err)
	}
	// A non-blocking descriptor is served by the runtime's poller, so Close
	// wakes the reading goroutine.
	f := os.NewFile(uintptr(fd), "inotify")
	n := &notifier{fd: fd, root: dir, dirs: map[int32]string{}}
	if err := n.addTree(dir); err != nil {
		f.Close()
		return nil, err
	}
	ch := make(chan struct{}, 1)
	go func() {
		<-ctx.Done()
		f.Close()
	}()
	go func() {
		buf := make([]byte, 64<<10)
		for {
			k, err := f.Read(buf)
			if err != nil {
				return // closed with ctx (or inotify failed: polling still runs)
			}
			n.handle(buf[:k])
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	return ch, nil
}

type notifier struct {
	fd   int
	root string
	dirs map[int32]string // watch descriptor → directory; only the reading goroutine uses it after setup
}

// addTree watches dir and the directories under it that fingerprint reads.
func (n *notifier) addTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if skipDir(n.root, path, d.Name()) {
			return filepath.SkipDir
		}
		wd, err := syscall.InotifyAddWatch(n.fd, path, notifyMask)
		if err != nil {
			if path == dir {
				return fmt.Errorf("inotify: watch %s: %w", path, err)
			}
			return nil // e.g. the watch limit: the periodic poll still sees it
		}
		n.dirs[int32(wd)] = path
		return nil
	})
}

// handle reads a batch of events and watches directories created since.
func (n *notifier) handle(b []byte) {
	for len(b) >= syscall.SizeofInotifyEvent {
		// struct inotify_event: wd, mask, cookie, len, then the name.
		wd := int32(binary.NativeEndian.Uint32(b[0:]))
		mask := binary.NativeEndian.Uint32(b[4:])
		size := syscall.SizeofInotifyEvent + int(binary.NativeEndian.Uint32(b[12:]))
		if size > len(b) {
			return
		}
		name := b[syscall.SizeofInotifyEvent:size]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if mask&syscall.IN_ISDIR != 0 && mask&(syscall.IN_CREATE|syscall.IN_MOVED_TO) != 0 {
			if parent, ok := n.dirs[wd]; ok {
				_ = n.addTree(filepath.Join(parent, string(name)))
			}
		}
		if mask&syscall.IN_IGNORED != 0 {
			delete(n.dirs, wd)
		}
		b = b[size:]
	}
}
