module example.com/hello

go 1.26.0

require github.com/gochalice/chalice v0.0.0-00010101000000-000000000000

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/aws/aws-sdk-go-v2 v1.47.7 // indirect
	github.com/aws/smithy-go v1.28.8 // indirect
)

replace github.com/gochalice/chalice => ../../..
