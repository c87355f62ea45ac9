package state

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"time"
)

// Locker is a Backend that can hold a stage for one deploy or delete at a
// time. Lock returns once the stage is held, or a *LockedError naming the
// holder; the returned Lock must be released.
type Locker interface {
	Lock(ctx context.Context, operation string) (Lock, error)
}

// Lock is a held stage lock.
type Lock interface {
	// Lost reports, once the lock could not be kept (an S3 lock that
	// expired and was taken by someone else), why; nil while it is held.
	Lost() error
	// Release frees the stage.
	Release(ctx context.Context) error
}

// LockInfo says who holds a stage: what is written into the lock.
type LockInfo struct {
	Owner     string    `json:"owner"` // user@host
	Host      string    `json:"host"`
	PID       int       `json:"pid"`
	Operation string    `json:"operation"` // deploy, delete
	Started   time.Time `json:"started"`
	// Expires is when an S3 lock may be taken over if its holder stopped
	// renewing it (a killed process); the holder renews it while it runs.
	Expires time.Time `json:"expires,omitzero"`
}

func newLockInfo(operation string) LockInfo {
	host, _ := os.Hostname()
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return LockInfo{Owner: name + "@" + host, Host: host, PID: os.Getpid(), Operation: operation, Started: time.Now().UTC().Truncate(time.Second)}
}

func (i LockInfo) marshal() []byte {
	b, _ := json.MarshalIndent(i, "", "  ")
	return append(b, '\n')
}

func parseLockInfo(b []byte) (LockInfo, bool) {
	var i LockInfo
	if json.Unmarshal(b, &i) != nil || i.Owner == "" {
		return LockInfo{}, false
	}
	return i, true
}

// sameHostAndDead reports whether the holder ran on this machine and its
// process is gone (killed before it could release the lock).
func (i LockInfo) sameHostAndDead() bool {
	host, _ := os.Hostname()
	return i.Host != "" && i.Host == host && i.PID > 0 && !processAlive(i.PID)
}

// LockedError is returned by Lock when another deploy or delete holds the
// stage.
type LockedError struct {
	Location string // the lock's path or s3:// URL
	Holder   LockInfo
	Known    bool // false when the lock's content could not be read
}

func (e *LockedError) Error() string {
	if !e.Known {
		return fmt.Sprintf("another gochalice deploy or delete holds this stage (%s is locked); wait for it to finish, then run this again", e.Location)
	}
	h := e.Holder
	msg := fmt.Sprintf("another gochalice %s of this stage is running: %s (pid %d) holds %s since %s; wait for it to finish, then run this again",
		h.Operation, h.Owner, h.PID, e.Location, h.Started.Format(time.RFC3339))
	if !h.Expires.IsZero() {
		msg += fmt.Sprintf(" (if that process is gone, the lock can be taken over after %s)", h.Expires.Format(time.RFC3339))
	}
	return msg
}
