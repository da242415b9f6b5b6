# bash completion for screener(1).
# Commands, options, fold families and region kinds come from the screener
# being completed (`screener help`, `screener COMMAND --help`), so they never
# go stale.

_screener_help_options()
{
    "$1" "$2" --help 2>/dev/null | sed -n 's/^  \(-[a-z], \)\{0,1\}\(--[a-z-]*\).*/\2/p'
}

_screener()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local bin=${COMP_WORDS[0]} cmds families
    cmds="$("$bin" help 2>/dev/null | sed -n 's/^\(usage:\)\{0,1\} *screener \([a-z][a-z]*\).*/\2/p' | sort -u)"
    if [ "$COMP_CWORD" -eq 1 ] || { [ "$COMP_CWORD" -eq 2 ] && [ "$prev" = help ]; }; then
        COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
        return
    fi
    case $prev in
        --format) COMPREPLY=($(compgen -W "jsonl text summary" -- "$cur")); return ;;
        --fail-on) COMPREPLY=($(compgen -W "review mask block" -- "$cur")); return ;;
        --fold)
            families="$("$bin" help 2>/dev/null | sed -n 's/^  \([a-z]*\)  .*/\1/p')"
            COMPREPLY=($(compgen -W "all none $families" -- "$cur")); return ;;
        --exclude|--include)
            COMPREPLY=($(compgen -W "all none $("$bin" scan --help 2>/dev/null |
                sed -n '/^regions/,$s/^  \([a-z-]*\)  .*/\1/p')" -- "$cur")); return ;;
        --char) return ;;
        --db|--dict|-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_screener_help_options "$bin" "${COMP_WORDS[1]}")" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _screener screener
