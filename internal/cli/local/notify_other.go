//go:build !linux

package local

import (
	"context"
	"errors"
)

// watchChanges is not available here: autoreload polls.
func watchChanges(ctx context.Context, dir string) (<-chan struct{}, error) {
	return nil, errors.New("file change notification is only implemented on Linux")
}
