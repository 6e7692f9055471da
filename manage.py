#!/usr/bin/env python
from civicdesk.__main__ import main

if __name__ == "__main__":
    main()
