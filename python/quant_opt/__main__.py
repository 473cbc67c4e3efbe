"""python3 -m quant_opt COMMAND ...

Commands:
  report   compile fp32 and every quantization preset for the bundled models,
           evaluate them and write a Markdown table and a PNG plot
           (quant_opt.report; --help for its options)
"""

import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    if argv[0] == "report":
        from . import report, tools
        try:
            return report.main(argv[1:])
        except tools.ToolError as error:
            print(f"quant_opt report: error: {error}", file=sys.stderr)
            return 1
    print(f"quant_opt: unknown command '{argv[0]}' (try --help)",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
