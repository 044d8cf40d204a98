# Shared by scripts/test and scripts/demo (sourced, not run): the virtualenv and the PostgreSQL binaries.
# Needs only python3 >= 3.11 on a fresh Linux machine; everything else is installed here.

WB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WB_VENV="$WB_ROOT/.venv"

wb_log() { printf '%s\n' "$*" >&2; }

wb_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    wb_log "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)"
    return 1
}

# wb_setup_venv [EXTRAS]: .venv with the project installed editable; pip runs again only when
# pyproject.toml changed or more extras are asked for (a stamp in .venv remembers what was installed).
wb_setup_venv() {
    local extras="${1:-}" python stamp wanted installed_hash installed_extras spec
    if [[ ! -x "$WB_VENV/bin/python" ]]; then
        python="$(wb_python)" || return 1
        wb_log "creating $WB_VENV"
        "$python" -m venv "$WB_VENV" || return 1
    fi
    stamp="$WB_VENV/.workbench-install"
    wanted="$(sha256sum <"$WB_ROOT/pyproject.toml" | cut -d" " -f1)"
    if [[ -f "$stamp" ]] && read -r installed_hash installed_extras <"$stamp" \
        && [[ "$installed_hash" == "$wanted" ]] \
        && [[ -z "$extras" || ",${installed_extras:-}," == *",$extras,"* ]]; then
        return 0
    fi
    spec="$WB_ROOT${extras:+[$extras]}"
    wb_log "installing workbench${extras:+[$extras]} into .venv (pip) ..."
    # PYTHONWARNINGS: setuptools warns on every editable build that local folders shadow packages.
    PYTHONWARNINGS=ignore "$WB_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec" || return 1
    printf '%s %s\n' "$wanted" "$extras" >"$stamp"
}

wb_have_postgres() {
    command -v initdb >/dev/null 2>&1 && return 0
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

# wb_apt_install WHAT PACKAGE...: system packages through apt-get, as root or with sudo -n. Where that is not
# possible the tests that need WHAT skip (CI, root on a fresh machine, always installs them).
wb_apt_install() {
    local what="$1" sudo=()
    shift
    if [[ "$(id -u)" != 0 ]]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            wb_log "warning: $what missing and not root: the tests that need it will skip"
            return 0
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        wb_log "warning: $what missing and no apt-get: install it by hand ($*)"
        return 0
    fi
    wb_log "installing $what (apt-get install $*) ..."
    "${sudo[@]}" apt-get update -qq \
        && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
        || { wb_log "error: apt-get install $* failed"; return 1; }
}

# The tests start their own throw-away server; they need initdb/pg_ctl (Debian: package postgresql).
wb_ensure_postgres() {
    [[ -n "${WORKBENCH_TEST_PG_URL:-}" ]] && return 0
    wb_have_postgres && return 0
    wb_apt_install "PostgreSQL server binaries" postgresql
}

wb_have_office() {
    command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1
}

# The monthly report test (tests/test_report_libreoffice.py) opens the workbook in LibreOffice Calc and reads
# the PDF it prints: Calc without the GUI, poppler-utils (pdftotext, pdfinfo) and a CJK font so the Chinese
# prints as text, not boxes (Debian: libreoffice-calc-nogui, poppler-utils, fonts-noto-cjk).
wb_ensure_office() {
    wb_have_office && return 0
    wb_apt_install "LibreOffice Calc and poppler-utils" libreoffice-calc-nogui poppler-utils fonts-noto-cjk
}
