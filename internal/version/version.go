// Package version holds the gochalice version, shared by the root package
// (chalice.Version) and the packages that write it into resources (config's
// aws-chalice tag) without importing each other.
package version

// Version is the gochalice release.
const Version = "0.1.0"
