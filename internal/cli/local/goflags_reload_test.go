package local

import "testing"

func TestLocalGOFLAGS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "-ldflags=-w -buildvcs=false"},
		{"-mod=vendor", "-mod=vendor -ldflags=-w -buildvcs=false"},
		{"-ldflags=-X=main.v=1", "-ldflags=-X=main.v=1 -buildvcs=false"},
		{"--buildvcs=true -race", "--buildvcs=true -race -ldflags=-w"},
		{"-buildvcs -ldflags", "-buildvcs -ldflags"},
	}
	for _, tt := range tests {
		if got := localGOFLAGS(tt.in); got != tt.want {
			t.Errorf("localGOFLAGS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
