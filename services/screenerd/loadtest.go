package main

import "errors"

func runLoadtest(args []string) error { return errors.New("loadtest: not built yet") }
