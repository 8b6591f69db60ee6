# Prints the candidates zsh offers when TAB is pressed after WORDS, using the completion
# functions in FPATH_DIR (the committed `completions/_kubectl-sandbox`):
#   zsh tests/it/support/zsh-complete.zsh FPATH_DIR WORDS...
# It runs an interactive zsh in a pseudo-terminal (zsh/zpty), overrides `compadd` to print
# what completion adds, and stops after one completion. After the zsh-capture-completion
# technique (github.com/Valodim/zsh-capture-completion).
zmodload zsh/zpty || { echo 'error: missing module zsh/zpty' >&2; exit 1 }
completion_dir=$1; shift
zpty z zsh -f -i
local line
setopt rcquotes
() {
    zpty -w z source $1
    repeat 4; do
        zpty -r z line
        [[ $line == ok* ]] && return
    done
    echo 'error initializing.' >&2
    exit 2
} =( <<< '
PROMPT=
fpath=('$completion_dir' $fpath)
autoload compinit
compinit -u -D
bindkey ''^M'' undefined-key
bindkey ''^J'' undefined-key
bindkey ''^I'' complete-word
null-line () { echo -E - $''\0'' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle '':completion:*'' list-grouped false
zstyle '':completion:*'' insert-tab false
zstyle '':completion:*'' list-separator ''''
compadd () {
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
        builtin compadd "$@"
        return $?
    fi
    typeset -a __hits
    builtin compadd -A __hits "$@"
    [[ -n $__hits ]] || return
    for i in {1..$#__hits}; do
        echo -E - $__hits[$i]
    done
}
echo ok')
zpty -w z "$*"$'\t'
integer tog=0
while zpty -r z; do :; done | while IFS= read -r line; do
    if [[ $line == *$'\0\r' ]]; then
        (( tog++ )) && return 0 || continue
    fi
    (( tog )) && echo -E - ${line%$'\r'}
done
return 2
