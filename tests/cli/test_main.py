"""The ``planner`` entry point: the engine's commands always, the plugins'
(``planner.commands`` entry points, such as the HTTP API's) only when the
command line may need them, so that ``planner validate`` does not import them."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from planner.cli.main import build_app, needs_plugins, own_commands


def test_own_commands_are_the_engines_and_plugins_load_for_others_and_for_help():
    own = own_commands(build_app(plugins=False))
    assert {"validate", "info", "import", "plan", "network"} <= own
    assert "keys" not in own and "serve" not in own  # the HTTP API's
    assert not needs_plugins(["validate", "data/luc-ngan"], own)
    assert not needs_plugins(["network", "calibrate", "--graph", "g"], own)
    assert needs_plugins([], own) and needs_plugins(["--help"], own)
    assert needs_plugins(["keys", "create"], own) and needs_plugins(["serve"], own)


def test_help_lists_the_plugin_commands():
    result = CliRunner().invoke(build_app(), ["--help"])
    assert result.exit_code == 0 and "keys" in result.output and "validate" in result.output


def test_validate_loads_neither_the_api_plugin_nor_numpy_for_a_bad_folder():
    code = (
        "import sys\n"
        "from planner.cli.main import main\n"
        "sys.argv = ['planner', 'validate', 'NO-SUCH-FOLDER']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('api', 'numpy', 'pandas', 'shapely') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]"
