package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3API is the part of the S3 client the S3 backend uses.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// ErrConflict is returned by S3.Save when the stored state changed since
// it was loaded (another deploy of the same stage is running or ran).
var ErrConflict = errors.New("the deployed state was changed by another deploy")

// S3 stores the state in one S3 object, with conditional writes: Save
// sends If-Match with the ETag Load saw (If-None-Match: * when there was no
// object), so two deploys of one stage cannot overwrite each other's
// records; the second fails at its first write, before its first
// mutating AWS call is recorded over the other's.
type S3 struct {
	Client      S3API
	Bucket, Key string
}

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
		return &Deployed{Backend: "api"}, nil
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
		var ae smithy.APIError
		if errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict") {
			return fmt.Errorf("%w: %s changed since this deploy read it; re-run it once the other one is done", ErrConflict, b.Location())
		}
		return fmt.Errorf("writing the deployed state %s: %w", b.Location(), err)
	}
	d.Version = aws.ToString(out.ETag)
	return nil
}
