# Drives a real interactive zsh through zpty: loads completions/_ttstui with
# compinit, types each line given as an argument followed by Tab, and
# prints "=== LINE" and what zsh displayed. Used by completion-zsh.test.sh.
#   zsh -f zsh-complete.zsh COMPLETIONS_DIR LINE...
zmodload zsh/zpty || exit 1
dir=$1
shift
zpty z 'PS1="> " TERM=dumb zsh -f -i'
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "stty rows 200 columns 160; LINES=200; COLUMNS=160; compdef _ttstui ttstui; zstyle ':completion:*' list-prompt ''; LISTMAX=0"
# compinit can take seconds on a busy machine: wait until the shell has
# run everything above (the marker is printed, never typed as such).
zpty -w z 'print -r -- "@@set""up@@"'
local chunk line out
integer n=0
zpty -r z out '*@@setup@@*' || exit 1
# Tab runs a widget that completes, redraws (which prints a pending list)
# and then prints a marker: once the marker is out, so is everything Tab
# displayed. No key is typed ahead of a completion (zsh skips the list
# when keys are waiting) and nothing waits for a duration.
zpty -w z '_tab_mark() { zle expand-or-complete; zle -R; print -rn -- "@@tab${_tab_n}@@"; (( _tab_n++ )) }; zle -N _tab_mark; bindkey "^I" _tab_mark; _tab_n=0; print -r -- "@@bound""@@"'
zpty -r z out '*@@bound@@*' || exit 1
for line in "$@"; do
  zpty -w -n z "$line"$'\t'
  out=""
  zpty -r z out "*@@tab$n@@*" || exit 1
  print -r -- "=== $line"
  print -r -- "${out//$'\r'/}"
  # Clear the line and wait for the shell to run a command: the redraws
  # that follow the list are read here, not in the next line's output.
  zpty -w z $'\C-e\C-u'"print -r -- @@clear\"\"$n@@"
  zpty -r z out "*@@clear$n@@*" || exit 1
  (( n++ ))
done
zpty -d z
