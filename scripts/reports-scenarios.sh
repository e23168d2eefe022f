# The scenarios reports/ holds, one directory each (reports/<basename>/),
# sourced by scripts/reports (which measures their kernel side) and
# scripts/documents (which renders everything else from the model).

# On the model and on this machine's kernel (synsim compare).
canonical=(
  stall/loopback-stall-2003
  measured/e1-accept-at-500ms
  measured/e2-accept-at-13s
  measured/e3-never-accept
  measured/e4-abort-on-overflow
  wire/final-ack-held
)
# On the model only: their kernel is not one a machine runs today.
model_only=(
  stall/report-2003-linux-2.5.66
)
