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
zpty -r z out '*@@setup@@*' || exit 1
while zpty -r -t z chunk; do :; done
for line in "$@"; do
  zpty -w -n z "$line"$'\t'
  sleep 0.8
  out=""
  while zpty -r -t z chunk; do out+=$chunk; done
  print -r -- "=== $line"
  print -r -- "${out//$'\r'/}"
  zpty -w -n z $'\C-e\C-u'
  sleep 0.2
  while zpty -r -t z chunk; do :; done
done
zpty -d z
