package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3API is the part of the S3 client the S3 backend uses.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// ErrConflict is returned by S3.Save when the stored state changed since
// it was loaded (another deploy of the same stage is running or ran).
var ErrConflict = errors.New("the deployed state was changed by another deploy")

// S3 stores the state in one S3 object, with conditional writes: Save
// sends If-Match with the ETag Load saw (If-None-Match: * when there was no
// object), so two deploys of one stage cannot overwrite each other's
// records; the second fails at its first write, before its first
// mutating AWS call is recorded over the other's.
//
// Lock (for the whole deploy or delete) is a second object, <key>.lock,
// created with If-None-Match: * and renewed while the deploy runs.
type S3 struct {
	Client      S3API
	Bucket, Key string
	// LockTTL is how long a lock stays valid without renewal (default
	// DefaultLockTTL); the holder renews it every third of it.
	LockTTL time.Duration
	// Warn receives the notice printed when a stale lock is taken over.
	Warn func(msg string)
}

// DefaultLockTTL is how long an S3 stage lock outlives a holder that
// stopped renewing it.
const DefaultLockTTL = 5 * time.Minute

// ParseS3URL parses s3://bucket/key; a key ending in "/" (or none) names
// a prefix, completed with <stage>.json.
func ParseS3URL(url, stage string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(url, "s3://")
	if !ok {
		return "", "", fmt.Errorf("--state %q: want s3://bucket/key", url)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("--state %q: no bucket", url)
	}
	if key == "" || strings.HasSuffix(key, "/") {
		key += stage + ".json"
	}
	return bucket, key, nil
}

// Location is the object's s3:// URL.
func (b *S3) Location() string { return "s3://" + b.Bucket + "/" + b.Key }

// Load reads the object; none is an empty state.
func (b *S3) Load(ctx context.Context) (*Deployed, error) {
	out, err := b.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Bucket), Key: aws.String(b.Key)})
	var nsk *s3types.NoSuchKey
	if errors.As(err, &nsk) {
		return &Deployed{Backend: "api", Missing: true}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the deployed state %s: %w", b.Location(), err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the deployed state %s: %w", b.Location(), err)
	}
	d, err := Parse(data, b.Location())
	if err != nil {
		return nil, err
	}
	d.Version = aws.ToString(out.ETag)
	if d.Version == "" {
		return nil, fmt.Errorf("reading the deployed state %s: S3 returned no ETag", b.Location())
	}
	return d, nil
}

// Save writes the object if it is still the version Load saw, and records
// the new version in d.
func (b *S3) Save(ctx context.Context, d *Deployed) error {
	data, err := Marshal(d)
	if err != nil {
		return err
	}
	in := &s3.PutObjectInput{Bucket: aws.String(b.Bucket), Key: aws.String(b.Key), Body: bytes.NewReader(data), ContentType: aws.String("application/json")}
	if d.Version != "" {
		in.IfMatch = aws.String(d.Version)
	} else {
		in.IfNoneMatch = aws.String("*")
	}
	out, err := b.Client.PutObject(ctx, in)
	if err != nil {
		if preconditionFailed(err) {
			return fmt.Errorf("%w: %s changed since this deploy read it; re-run it once the other one is done", ErrConflict, b.Location())
		}
		return fmt.Errorf("writing the deployed state %s: %w", b.Location(), err)
	}
	d.Version = aws.ToString(out.ETag)
	return nil
}

func preconditionFailed(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict")
}

func (b *S3) lockKey() string { return b.Key + ".lock" }

func (b *S3) ttl() time.Duration {
	if b.LockTTL > 0 {
		return b.LockTTL
	}
	return DefaultLockTTL
}

// Lock creates <key>.lock if there is none. A lock whose holder stopped
// renewing it (expired), or whose holder ran on this machine and is gone,
// is taken over with a notice; any other is reported as a *LockedError.
func (b *S3) Lock(ctx context.Context, operation string) (Lock, error) {
	loc := "s3://" + b.Bucket + "/" + b.lockKey()
	info := newLockInfo(operation)
	put := func(ifMatch string) (string, error) {
		info.Expires = time.Now().UTC().Add(b.ttl()).Truncate(time.Second)
		in := &s3.PutObjectInput{Bucket: aws.String(b.Bucket), Key: aws.String(b.lockKey()), Body: bytes.NewReader(info.marshal()), ContentType: aws.String("application/json")}
		if ifMatch == "" {
			in.IfNoneMatch = aws.String("*")
		} else {
			in.IfMatch = aws.String(ifMatch)
		}
		out, err := b.Client.PutObject(ctx, in)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.ETag), nil
	}
	etag, err := put("")
	if err != nil && !preconditionFailed(err) {
		return nil, fmt.Errorf("locking the deployed state (%s): %w", loc, err)
	}
	if err != nil {
		out, gerr := b.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Bucket), Key: aws.String(b.lockKey())})
		var nsk *s3types.NoSuchKey
		if errors.As(gerr, &nsk) {
			// Released between our two calls: try once more.
			if etag, err = put(""); err != nil {
				if preconditionFailed(err) {
					return nil, &LockedError{Location: loc}
				}
				return nil, fmt.Errorf("locking the deployed state (%s): %w", loc, err)
			}
			return b.held(loc, etag, info), nil
		}
		if gerr != nil {
			return nil, fmt.Errorf("reading the lock %s: %w", loc, gerr)
		}
		raw, _ := io.ReadAll(io.LimitReader(out.Body, 64<<10))
		out.Body.Close()
		holder, ok := parseLockInfo(raw)
		stale := ok && (time.Now().After(holder.Expires) || holder.sameHostAndDead())
		if !stale {
			return nil, &LockedError{Location: loc, Holder: holder, Known: ok}
		}
		if etag, err = put(aws.ToString(out.ETag)); err != nil {
			if preconditionFailed(err) {
				return nil, &LockedError{Location: loc}
			}
			return nil, fmt.Errorf("taking over the stale lock %s: %w", loc, err)
		}
		if b.Warn != nil {
			why := "it expired at " + holder.Expires.Format(time.RFC3339)
			if holder.sameHostAndDead() {
				why = fmt.Sprintf("its process %d is gone", holder.PID)
			}
			b.Warn(fmt.Sprintf("took over the lock %s left by an interrupted %s of %s (pid %d, started %s): %s",
				loc, holder.Operation, holder.Owner, holder.PID, holder.Started.Format(time.RFC3339), why))
		}
	}
	return b.held(loc, etag, info), nil
}

func (b *S3) held(loc, etag string, info LockInfo) *s3Lock {
	l := &s3Lock{b: b, loc: loc, etag: etag, info: info, stop: make(chan struct{}), done: make(chan struct{})}
	go l.renew()
	return l
}

type s3Lock struct {
	b    *S3
	loc  string
	info LockInfo
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	etag string
	lost error
}

// renew extends the lock every third of its TTL until released; if the
// lock was taken over meanwhile, it records that the lock is lost.
func (l *s3Lock) renew() {
	defer close(l.done)
	t := time.NewTicker(l.b.ttl() / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		l.mu.Lock()
		l.info.Expires = time.Now().UTC().Add(l.b.ttl()).Truncate(time.Second)
		out, err := l.b.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(l.b.Bucket), Key: aws.String(l.b.lockKey()),
			Body: bytes.NewReader(l.info.marshal()), IfMatch: aws.String(l.etag), ContentType: aws.String("application/json")})
		switch {
		case err == nil:
			l.etag = aws.ToString(out.ETag)
		case preconditionFailed(err):
			l.lost = fmt.Errorf("the lock %s was taken over by another deploy while this one ran; stopped", l.loc)
		}
		l.mu.Unlock()
		if l.Lost() != nil {
			return
		}
	}
}

func (l *s3Lock) Lost() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

func (l *s3Lock) Release(ctx context.Context) error {
	close(l.stop)
	<-l.done
	if l.Lost() != nil {
		return nil // not ours any more
	}
	if _, err := l.b.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(l.b.Bucket), Key: aws.String(l.b.lockKey())}); err != nil {
		return fmt.Errorf("releasing the lock %s: %w", l.loc, err)
	}
	return nil
}
