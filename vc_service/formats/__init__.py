"""Badge formats behind one interface (base.py): each format in its own module, registered in
registry.py."""
