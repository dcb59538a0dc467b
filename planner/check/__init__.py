"""The checkers' own rules where the pickup and freight plans meet: what
happens to fruit at a packing house between its delivery and its freight
departure (pre-cooling, the cold store, ambient waiting) and the shelf life
each order has left at its hub, recomputed end to end from the harvest.

Like the routing checker it never imports a solver module (import-linter
contract "checkers stay independent of the solvers")."""
