"""The command line: `femtograd demo` (more commands come with the fitting layer)."""

import argparse
import sys


def _demo(args):
    from . import vignette
    vignette.run(seed=args.seed)
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="femtograd", description="Maximum-likelihood fits with exact derivatives.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="the exponential-rate vignette, printed")
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(run=_demo)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
