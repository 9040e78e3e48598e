// The end-to-end tests measure bandwidth and dirty rates of a running guest: run them one at a time, so that
// parallel tests do not starve the guest thread and change what a migration sees.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
