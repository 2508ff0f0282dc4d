pytest_plugins = ["xinyong.testing.fixtures"]
