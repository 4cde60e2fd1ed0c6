module github.com/contactpoint/contactpoint

go 1.26.8
