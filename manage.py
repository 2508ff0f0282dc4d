#!/usr/bin/env python
from xinyong.cli import main

if __name__ == "__main__":
    main()
