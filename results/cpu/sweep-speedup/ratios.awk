# Per-round wall (ms) and CPU (cpu-ms) per sweep from pairs-f64.txt, the
# ratios X/new of every other binary X in the same round, and their medians.
function med(a, n,   i, j, t) {
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
/^[a-z]+ +r[0-9]+ +Bench/ {
  split($3, p, "/"); key = p[2] "/" p[3]; sub(/-2$/, "", key)
  r = substr($2, 2) + 0; wall[$1, key, r] = $5 / 1e6; cpu[$1, key, r] = $7
  if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
  if (!($1 in tagseen)) { tagseen[$1] = 1; tags[++nt] = $1 }
  if (r > nr[key]) nr[key] = r
}
END {
  for (k = 1; k <= nk; k++) {
    key = keys[k]; printf "%s (wall ms / cpu-ms per sweep; ratios X/new wall, cpu)\n", key
    for (r = 1; r <= nr[key]; r++) {
      printf "  r%d", r
      for (t = 1; t <= nt; t++) if ((tags[t], key, r) in cpu) printf "   %s %.1f / %.1f", tags[t], wall[tags[t], key, r], cpu[tags[t], key, r]
      for (t = 1; t <= nt; t++) if (tags[t] != "new" && (tags[t], key, r) in cpu) printf "   %s/new %.2f %.2f", tags[t], wall[tags[t], key, r] / wall["new", key, r], cpu[tags[t], key, r] / cpu["new", key, r]
      printf "\n"
    }
    for (t = 1; t <= nt; t++) {
      if (tags[t] == "new") continue
      n = 0
      for (r = 1; r <= nr[key]; r++) if ((tags[t], key, r) in cpu) { w[++n] = wall[tags[t], key, r] / wall["new", key, r]; c[n] = cpu[tags[t], key, r] / cpu["new", key, r] }
      if (n) printf "  median %s/new over %d rounds: wall %.2f, cpu %.2f\n", tags[t], n, med(w, n), med(c, n)
    }
  }
}
