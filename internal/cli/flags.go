package cli

import (
	"github.com/spf13/cobra"
)

// BoolPair is a Chalice --name/--no-name flag pair: the two are
// mutually exclusive (giving both is a usage error), and neither given
// leaves the choice to the configuration.
type BoolPair struct {
	cmd      *cobra.Command
	on, off  string
	onValue  bool
	offValue bool
}

// AddBoolPair registers --name and --no-name on cmd.
func AddBoolPair(cmd *cobra.Command, name, usage, noUsage string) *BoolPair {
	p := &BoolPair{cmd: cmd, on: name, off: "no-" + name}
	cmd.Flags().BoolVar(&p.onValue, p.on, false, usage)
	cmd.Flags().BoolVar(&p.offValue, p.off, false, noUsage)
	cmd.MarkFlagsMutuallyExclusive(p.on, p.off)
	return p
}

// Value is the choice made on the command line, nil for none
// (--name=false counts as --no-name).
func (p *BoolPair) Value() *bool {
	fl := p.cmd.Flags()
	switch {
	case fl.Changed(p.on):
		v := p.onValue
		return &v
	case fl.Changed(p.off):
		v := !p.offValue
		return &v
	}
	return nil
}
