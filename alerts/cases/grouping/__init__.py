"""One case per problem: reports of one problem from several sources merge into one case."""
